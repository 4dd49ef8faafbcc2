package io.learnware.market.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.market.support.Fixtures;
import io.learnware.market.support.Market;
import io.learnware.market.support.RealWorker;
import io.learnware.worker.runtime.Worker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A model that spins for ever, on a worker whose validation time limit (10 minutes) is far away:
 * cancelling its validation kills the sandboxed process, the version becomes INVALID instead of
 * PENDING for good, and the worker validates the next upload.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class SandboxedCancelTest {

  @Test
  void cancellingASpinningValidationFreesTheWorker() throws Exception {
    String token = Market.newUser("cancel");
    String owner = Market.usernameOf(token);
    Worker worker = RealWorker.builder("cancelled", List.of("validate")).build();
    Thread thread = Thread.ofPlatform().name("worker-cancelled").start(worker::run);
    try {
      Market.upload(
              token, owner, "spin", Fixtures.text(Market.DIGITS_SPEC), "malicious/endless-loop.pt")
          .then()
          .statusCode(201);
      String job =
          await(
                  () -> given().auth().oauth2(token).get("/api/v1/jobs").jsonPath(),
                  jobs -> "RUNNING".equals(jobs.getString("find { it.type == 'validate' }.state")),
                  Duration.ofMinutes(1))
              .getString("find { it.type == 'validate' }.id");

      given().auth().oauth2(token).post("/api/v1/jobs/{id}/cancel", job).then().statusCode(200);
      Market.uploadDigits(token, owner, "after").then().statusCode(201);

      // Without the kill the worker would spin for ten minutes and never reach this upload.
      JsonPath after =
          await(
              () -> given().get("/api/v1/learnwares/{o}/after/versions/1", owner).jsonPath(),
              v -> !"PENDING".equals(v.getString("state")),
              Duration.ofSeconds(30));
      assertThat(after.getString("state")).isEqualTo("USABLE");
      JsonPath spin =
          given()
              .auth()
              .oauth2(token)
              .get("/api/v1/learnwares/{o}/spin/versions/1", owner)
              .jsonPath();
      assertThat(spin.getString("state")).isEqualTo("INVALID");
      assertThat(spin.getString("validationLog")).startsWith("validation cancelled by " + owner);
      assertThat(
              given()
                  .auth()
                  .oauth2(token)
                  .get("/api/v1/jobs/{id}", job)
                  .jsonPath()
                  .getString("state"))
          .isEqualTo("CANCELLED");
      // The spinning job process is gone (the embedded PostgreSQL is this JVM's child too).
      assertThat(
              ProcessHandle.current()
                  .descendants()
                  .filter(ProcessHandle::isAlive)
                  .map(p -> p.info().commandLine().orElse(""))
                  .filter(c -> c.contains("bwrap") || c.contains("SandboxChild")))
          .isEmpty();
    } finally {
      worker.stop();
      thread.join(30_000);
    }
  }

  private static JsonPath await(
      java.util.function.Supplier<JsonPath> read, Predicate<JsonPath> done, Duration limit)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    while (true) {
      JsonPath value = read.get();
      if (done.test(value)) {
        return value;
      }
      assertThat(Instant.now()).as("waiting for " + value.prettify()).isBefore(deadline);
      Thread.sleep(200);
    }
  }
}
