package io.learnware.market.job;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.spec.SpecDocuments;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.builder.MultiPartSpecBuilder;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a model prints or throws reaches the market through workers: it is capped and stripped of
 * hiding characters, and the model's own error text is shown to the learnware's owner only.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class UntrustedWorkerTextTest {

  private static final String WORKER = EmbeddedPostgresResource.WORKER_TOKEN;

  /** What a model that read /etc/passwd threw, with a bell, a right-to-left override and a ZWSP. */
  private static final String LEAK =
      "RuntimeError: root:x:0:0:root:/root:/bin/bash\u0007\u202Egnp.exe\u200B\u2066!";

  @Test
  void theModelsErrorIsShownToItsOwnerOnly() {
    String token = MARKET.newUser("leaky");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "leaky").then().statusCode(201);
    Response claim = claimValidationOf(owner + "/leaky@1");
    complete(
            claim,
            Map.of(
                "usable",
                false,
                "loads",
                false,
                "log",
                List.of(
                    "model model.pt, format torchscript\u202E",
                    "verdict: not usable: the model file is not a TorchScript module PyTorch"
                        + " can load"),
                "reason",
                "the model file is not a TorchScript module PyTorch can load",
                "modelError",
                LEAK))
        .statusCode(200);

    String anonymous =
        given()
            .get("/api/v1/learnwares/{owner}/leaky/versions/1", owner)
            .then()
            .statusCode(200)
            .body("state", equalTo("INVALID"))
            .body("$", not(hasKey("modelError")))
            .body(
                "validationLog",
                equalTo(
                    "model model.pt, format torchscript\uFFFD\nverdict: not usable: the model file"
                        + " is not a TorchScript module PyTorch can load\n"))
            .body(
                "reports[0].report.reason",
                equalTo("the model file is not a TorchScript module PyTorch can load"))
            .extract()
            .asString();
    assertNoLeak(anonymous);
    String stranger = MARKET.newUser("stranger");
    assertNoLeak(
        given()
            .auth()
            .oauth2(stranger)
            .get("/api/v1/learnwares/{owner}/leaky/versions/1", owner)
            .then()
            .statusCode(200)
            .body("$", not(hasKey("modelError")))
            .extract()
            .asString());

    String sanitised =
        "RuntimeError: root:x:0:0:root:/root:/bin/bash\uFFFD\uFFFDgnp.exe\uFFFD\uFFFD!";
    for (String reader : List.of(token, EmbeddedPostgresResource.ADMIN_TOKEN)) {
      given()
          .auth()
          .oauth2(reader)
          .get("/api/v1/learnwares/{owner}/leaky/versions/1", owner)
          .then()
          .statusCode(200)
          .body("modelError", equalTo(sanitised));
    }
    // The job's report (its requester sees it) does not carry the raw text either.
    assertThat(
            given()
                .auth()
                .oauth2(token)
                .get("/api/v1/jobs/{id}", claim.<String>path("id"))
                .then()
                .statusCode(200)
                .extract()
                .asString())
        .doesNotContain("root:x:0:0");
  }

  @Test
  void aWorkersFailureIsCappedAndKeptFromTheVersionsPublicLog() {
    String token = MARKET.newUser("longfail");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "long").then().statusCode(201);
    Response claim = claimValidationOf(owner + "/long@1");
    // Long, but under the 64 KiB body cap of the worker protocol.
    String error = LEAK + "x".repeat(50_000);
    String cut = " … [cut: " + (error.length() - 4000) + " more characters]";

    given()
        .auth()
        .oauth2(WORKER)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .contentType("application/json")
        .body(Map.of("error", error, "retryable", false))
        .post("/api/v1/worker/jobs/{id}/fail", claim.<String>path("id"))
        .then()
        .statusCode(200)
        .body("state", equalTo("FAILED"));

    String jobError =
        given()
            .auth()
            .oauth2(token)
            .get("/api/v1/jobs/{id}", claim.<String>path("id"))
            .then()
            .extract()
            .path("error");
    assertThat(jobError).hasSize(4000 + cut.length()).endsWith(cut).doesNotContain("\u202E");
    String anonymous =
        given()
            .get("/api/v1/learnwares/{owner}/long/versions/1", owner)
            .then()
            .body("state", equalTo("INVALID"))
            .body(
                "validationLog",
                equalTo(
                    "validation failed: the worker could not finish the checks (its error is shown"
                        + " to the owner)"))
            .extract()
            .asString();
    assertNoLeak(anonymous);
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/learnwares/{owner}/long/versions/1", owner)
        .then()
        .body("modelError", equalTo(jobError));
  }

  @Test
  void progressMessagesAreSanitisedToo() {
    String token = MARKET.newUser("heartbeat");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "beats").then().statusCode(201);
    Response claim = claimValidationOf(owner + "/beats@1");
    given()
        .auth()
        .oauth2(WORKER)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .contentType("application/json")
        .body(Map.of("progress", 0.5, "message", "epoch 1\u202E\u0000 of 2 " + "y".repeat(5000)))
        .post("/api/v1/worker/jobs/{id}/heartbeat", claim.<String>path("id"))
        .then()
        .statusCode(200);
    String message =
        given()
            .auth()
            .oauth2(token)
            .get("/api/v1/jobs/{id}", claim.<String>path("id"))
            .then()
            .extract()
            .path("message");
    assertThat(message).startsWith("epoch 1\uFFFD\uFFFD of 2 yyy").contains("[cut: ");
    complete(claim, Map.of("usable", true)).statusCode(200);
  }

  @Test
  void surrogatePairsSurviveAndLoneHalvesDoNot() {
    assertThat(WorkerText.clean("ok \uD83D\uDE00 \uD83D x\n\ty\r", 100))
        .isEqualTo("ok \uD83D\uDE00 \uFFFD x\n\ty\uFFFD");
    // A cut never splits a pair.
    assertThat(WorkerText.clean("ab\uD83D\uDE00", 3)).isEqualTo("ab … [cut: 2 more characters]");
  }

  private static void assertNoLeak(String body) {
    assertThat(body)
        .doesNotContain("root:x:0:0")
        .doesNotContain("\u0007")
        .doesNotContain("\u202E")
        .doesNotContain("\u200B")
        .doesNotContain("\u2066")
        .doesNotContain("\\u202e")
        .doesNotContain("\\u0007");
  }

  /** Claims validations until the one of {@code source} comes up, approving the others. */
  private static Response claimValidationOf(String source) {
    while (true) {
      Response claim = MARKET.claim("validate");
      assertThat(claim.statusCode()).as("validation of " + source + " queued").isEqualTo(200);
      if (source.equals(claim.path("source.learnware"))) {
        return claim;
      }
      complete(claim, Map.of("usable", true));
    }
  }

  private static io.restassured.response.ValidatableResponse complete(
      Response claim, Map<String, Object> report) {
    return given()
        .auth()
        .oauth2(WORKER)
        .header("Lease-Id", claim.<String>path("leaseId"))
        // As UTF-8: the default charset of a text part would turn the characters under test into
        // '?'.
        .multiPart(
            new MultiPartSpecBuilder(SpecDocuments.mapper().valueToTree(report).toString())
                .controlName("report")
                .mimeType("application/json")
                .charset(StandardCharsets.UTF_8)
                .build())
        .post("/api/v1/worker/jobs/{id}/complete", claim.<String>path("id"))
        .then();
  }
}
