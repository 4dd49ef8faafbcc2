package io.learnware.market.job;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A worker that stops or dies while its claim waits (a long poll) must not be handed the next job:
 * nobody would run it until its lease expired.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
@TestProfile(AbandonedClaimTest.LongPoll.class)
class AbandonedClaimTest {

  /** Claims wait long enough for a job to be queued while the claim is abandoned. */
  public static class LongPoll implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("learnware.jobs.claim-wait", "30S");
    }
  }

  @Test
  void aJobQueuedAfterItsClaimantLeftGoesToTheNextWorker() throws Exception {
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread claimant =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (HttpClient http = HttpClient.newHttpClient()) {
                    http.send(
                        HttpRequest.newBuilder(MARKET.uri().resolve("/api/v1/worker/claim"))
                            .header(
                                "Authorization", "Bearer " + EmbeddedPostgresResource.WORKER_TOKEN)
                            .header("Content-Type", "application/json")
                            .POST(
                                HttpRequest.BodyPublishers.ofString(
                                    "{\"workerId\": \"gone\", \"types\": [\"validate\"],"
                                        + " \"device\": \"cpu\"}"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                  } catch (Exception e) {
                    ended.set(e);
                  }
                });
    // The claim is waiting on the server; the worker is stopped (its send is interrupted, which
    // closes the connection) before any job comes.
    Thread.sleep(1000);
    claimant.interrupt();
    claimant.join();
    assertThat(ended.get()).isInstanceOf(InterruptedException.class);

    String token = MARKET.newUser("abandoned");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "digits").then().statusCode(201);

    Response claim = MARKET.claim("validate");
    assertThat(claim.statusCode()).as("the upload's validation is still claimable").isEqualTo(200);
    assertThat(claim.<String>path("source.learnware")).isEqualTo(owner + "/digits@1");
    assertThat(claim.<Integer>path("attempt")).isEqualTo(1);
  }
}
