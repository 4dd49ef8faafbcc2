package io.learnware.it.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.it.support.MarketFixture;
import io.learnware.it.support.RealWorker;
import io.learnware.it.support.RealWorker.Running;
import io.learnware.testing.Fixtures;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A model that spins for ever, on a worker whose validation time limit (2 minutes) is far away:
 * cancelling its validation kills the sandboxed process, the version becomes INVALID instead of
 * PENDING for good, and the worker validates the next upload.
 */
class SandboxedCancelTest {

  @RegisterExtension static final MarketFixture market = new MarketFixture();

  @Test
  void cancellingASpinningValidationFreesTheWorker() throws Exception {
    String token = market.newUser("cancel");
    String owner = market.usernameOf(token);
    try (Running worker =
        RealWorker.start(
            "cancelled", RealWorker.builder(market, "cancelled", List.of("validate")).build())) {
      market
          .upload(
              token,
              owner,
              "spin",
              Fixtures.text(Fixtures.DIGITS_SPEC),
              "malicious/endless-loop.pt")
          .then()
          .statusCode(201);
      String job =
          await(
                  () -> given().auth().oauth2(token).get("/api/v1/jobs").jsonPath(),
                  jobs -> "RUNNING".equals(jobs.getString("find { it.type == 'validate' }.state")),
                  Duration.ofMinutes(1))
              .getString("find { it.type == 'validate' }.id");

      given().auth().oauth2(token).post("/api/v1/jobs/{id}/cancel", job).then().statusCode(200);
      market.uploadDigits(token, owner, "after").then().statusCode(201);

      // Without the kill the worker would spin for two minutes and never reach this upload in time.
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
      // The spinning job process is gone (the market and its PostgreSQL are this JVM's children).
      assertThat(
              ProcessHandle.current()
                  .descendants()
                  .filter(ProcessHandle::isAlive)
                  .map(p -> p.info().commandLine().orElse(""))
                  .filter(c -> c.contains("bwrap") || c.contains("SandboxChild")))
          .isEmpty();
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
