package io.learnware.market.job;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.learnware.market.storage.Sha256;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A worker token reads only the inputs of the job whose lease it holds, and changes only that job.
 * Private data sets are not readable with a worker token at all.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class ScopedWorkerCredentialsTest {

  private static final String WORKER = EmbeddedPostgresResource.WORKER_TOKEN;
  private static final byte[] CSV = Fixtures.bytes("data/digits-train.csv.gz");

  @Test
  void aWorkerReadsExactlyTheInputsOfTheJobItHolds() {
    String token = MARKET.newUser("scoped");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "digits").then().statusCode(201);
    uploadDataset(token, owner, "train");
    String other = MARKET.newUser("other");
    String otherOwner = MARKET.usernameOf(other);
    byte[] otherCsv = Fixtures.bytes("data/digits-test.csv.gz");
    given()
        .auth()
        .oauth2(other)
        .multiPart("data", "private.csv.gz", otherCsv)
        .post("/api/v1/datasets/{owner}/private", otherOwner)
        .then()
        .statusCode(201);
    MARKET.validateAll();
    String dataSha = Sha256.of(CSV);
    String job = requestDistillation(token, owner);

    // No lease: neither the data set nor the job's inputs.
    given()
        .auth()
        .oauth2(WORKER)
        .get("/api/v1/datasets/{owner}/train/data", owner)
        .then()
        .statusCode(404);
    input(job, dataSha, null).statusCode(409);
    input(job, dataSha, UUID.randomUUID().toString()).statusCode(409);
    input(UUID.randomUUID().toString(), dataSha, UUID.randomUUID().toString()).statusCode(404);

    Response claim = claim(WORKER, "distill", job);
    String lease = claim.path("leaseId");
    List<String> urls =
        List.of(
            claim.path("source.model.url"),
            claim.path("source.files[0].url"),
            claim.path("dataset.data.url"));
    List<String> shas =
        List.of(
            claim.path("source.model.sha256"),
            claim.path("source.files[0].sha256"),
            claim.path("dataset.data.sha256"));
    assertThat(shas.get(2)).isEqualTo(dataSha);
    for (int i = 0; i < urls.size(); i++) {
      assertThat(urls.get(i)).isEqualTo("/api/v1/worker/jobs/" + job + "/inputs/" + shas.get(i));
      byte[] bytes =
          given()
              .auth()
              .oauth2(WORKER)
              .header("Lease-Id", lease)
              .get(urls.get(i))
              .then()
              .statusCode(200)
              .header("ETag", "\"" + shas.get(i) + "\"")
              .extract()
              .asByteArray();
      assertThat(Sha256.of(bytes)).isEqualTo(shas.get(i));
    }
    // Bytes the market stores but this job does not take: another user's data set, or anything.
    input(job, Sha256.of(otherCsv), lease)
        .statusCode(404)
        .body("detail", containsString("has no such input"));
    input(job, "0".repeat(64), lease).statusCode(404);
    // The lease does not open the data set's own URL either.
    given()
        .auth()
        .oauth2(WORKER)
        .header("Lease-Id", lease)
        .get("/api/v1/datasets/{owner}/train/data", owner)
        .then()
        .statusCode(404);

    // Once the job is cancelled the lease is gone, and so is access.
    given().auth().oauth2(token).post("/api/v1/jobs/{id}/cancel", job).then().statusCode(200);
    input(job, dataSha, lease).statusCode(409).body("detail", containsString("CANCELLED"));
  }

  @Test
  void anotherWorkersLeaseOpensNothingOfThisJob() {
    String token = MARKET.newUser("twoworkers");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "digits").then().statusCode(201);
    uploadDataset(token, owner, "train");
    MARKET.validateAll();
    String first = requestDistillation(token, owner);
    Response firstClaim = claim(WORKER, "distill", first);
    String firstLease = firstClaim.path("leaseId");

    String second = requestDistillation(token, owner);
    String secondWorker =
        given()
            .auth()
            .oauth2(EmbeddedPostgresResource.ADMIN_TOKEN)
            .contentType("application/json")
            .body(Map.of("name", "second-" + UUID.randomUUID().toString().substring(0, 8)))
            .post("/api/v1/worker-tokens")
            .then()
            .statusCode(201)
            .extract()
            .path("token");
    Response secondClaim = claim(secondWorker, "distill", second);
    String secondLease = secondClaim.path("leaseId");
    String dataSha = Sha256.of(CSV);

    // The second worker's lease is for its own job only.
    given()
        .auth()
        .oauth2(secondWorker)
        .header("Lease-Id", secondLease)
        .get("/api/v1/worker/jobs/{id}/inputs/{sha}", first, dataSha)
        .then()
        .statusCode(409);
    given()
        .auth()
        .oauth2(secondWorker)
        .header("Lease-Id", secondLease)
        .contentType("application/json")
        .body(Map.of("progress", 0.9, "message", "taken over"))
        .post("/api/v1/worker/jobs/{id}/heartbeat", first)
        .then()
        .statusCode(409);
    given()
        .auth()
        .oauth2(secondWorker)
        .header("Lease-Id", secondLease)
        .contentType("application/json")
        .body(Map.of("error", "sabotage", "retryable", false))
        .post("/api/v1/worker/jobs/{id}/fail", first)
        .then()
        .statusCode(409);
    given()
        .auth()
        .oauth2(secondWorker)
        .header("Lease-Id", secondLease)
        .multiPart("report", "{\"fidelity\": 0}")
        .post("/api/v1/worker/jobs/{id}/complete", first)
        .then()
        .statusCode(409);
    given()
        .auth()
        .oauth2(secondWorker)
        .header("Lease-Id", secondLease)
        .contentType("application/json")
        .body(Map.of("progress", 0.9, "message", "x"))
        .post("/api/v1/worker/jobs/{id}/heartbeat", UUID.randomUUID())
        .then()
        .statusCode(404);

    // Nothing changed: the first job still runs under its own lease, untouched.
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/jobs/{id}", first)
        .then()
        .body("state", equalTo("RUNNING"))
        .body("progress", equalTo(0.0f));
    input(first, dataSha, firstLease).statusCode(200);
    for (String job : List.of(first, second)) {
      given().auth().oauth2(token).post("/api/v1/jobs/{id}/cancel", job).then().statusCode(200);
    }
  }

  private static void uploadDataset(String token, String owner, String name) {
    given()
        .auth()
        .oauth2(token)
        .multiPart("data", "train.csv.gz", CSV)
        .post("/api/v1/datasets/{owner}/{name}", owner, name)
        .then()
        .statusCode(201);
  }

  private static String requestDistillation(String token, String owner) {
    return MARKET.requestJob(
        token,
        Map.of("type", "distill", "source", owner + "/digits@1", "dataset", owner + "/train"));
  }

  /** Claims as {@code worker} until {@code job} comes up; other jobs of the type are failed. */
  private static Response claim(String worker, String type, String job) {
    while (true) {
      Response claim =
          given()
              .auth()
              .oauth2(worker)
              .contentType("application/json")
              .body(Map.of("workerId", "scoped-test", "types", List.of(type), "device", "cpu"))
              .post("/api/v1/worker/claim");
      assertThat(claim.statusCode()).as("job " + job + " queued").isEqualTo(200);
      if (job.equals(claim.path("id"))) {
        return claim;
      }
      given()
          .auth()
          .oauth2(worker)
          .header("Lease-Id", claim.<String>path("leaseId"))
          .contentType("application/json")
          .body(Map.of("error", "not this test's job", "retryable", false))
          .post("/api/v1/worker/jobs/{id}/fail", claim.<String>path("id"));
    }
  }

  private static ValidatableResponse input(String job, String sha256, String lease) {
    var request = given().auth().oauth2(WORKER);
    if (lease != null) {
      request.header("Lease-Id", lease);
    }
    return request.get("/api/v1/worker/jobs/{id}/inputs/{sha}", job, sha256).then();
  }
}
