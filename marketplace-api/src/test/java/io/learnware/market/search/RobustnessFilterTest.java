package io.learnware.market.search;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Robustness reports, recorded by a worker on the evaluated version, narrow search: "at least this
 * accuracy under PGD at this ε". The test acts as the worker and reports given numbers.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class RobustnessFilterTest {

  @Test
  void searchFiltersOnAccuracyUnderAttackAndNoise() {
    String token = MARKET.newUser("robust");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "sturdy").then().statusCode(201);
    MARKET.uploadDigits(token, owner, "fragile").then().statusCode(201);
    MARKET.validateAll();
    evaluate(token, owner, "sturdy", 0.91, 0.62);
    evaluate(token, owner, "fragile", 0.93, 0.08);

    assertThat(names(owner, Map.of("measure", "pgd", "at", 0.1, "minAccuracy", 0.5)))
        .containsExactly("sturdy");
    assertThat(names(owner, Map.of("measure", "pgd", "at", 0.1, "minAccuracy", 0.05)))
        .containsExactly("fragile", "sturdy");
    // Measured at another ε: no report qualifies.
    assertThat(names(owner, Map.of("measure", "pgd", "at", 0.3, "minAccuracy", 0.0))).isEmpty();
    assertThat(names(owner, Map.of("measure", "clean", "minAccuracy", 0.92)))
        .containsExactly("fragile");
    assertThat(names(owner, Map.of("measure", "noise", "at", 0.1, "minAccuracy", 0.8)))
        .containsExactly("fragile", "sturdy");

    given()
        .contentType("application/json")
        .body(Map.of("filters", Map.of("robustness", Map.of("measure", "pgd", "minAccuracy", 2))))
        .post("/api/v1/search")
        .then()
        .statusCode(400)
        .body(
            "violations.pointer",
            equalTo(List.of("/filters/robustness/at", "/filters/robustness/minAccuracy")));
    // A worker's report must follow the robustness report schema.
    String job =
        given()
            .auth()
            .oauth2(token)
            .contentType("application/json")
            .body(Map.of("type", "robustness", "source", owner + "/sturdy@1"))
            .post("/api/v1/jobs")
            .then()
            .extract()
            .path("id");
    Response claim = claimJob(job);
    given()
        .auth()
        .oauth2(EmbeddedPostgresResource.WORKER_TOKEN)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart("report", "{\"clean\": {\"accuracy\": 1.5}, \"pgd\": [{\"epsilon\": 0.1}]}")
        .post("/api/v1/worker/jobs/{id}/complete", job)
        .then()
        .statusCode(400)
        .body(
            "violations.pointer",
            equalTo(
                List.of(
                    "/report/clean/accuracy", "/report/pgd/0/accuracy", "/report/pgd/0/steps")));
    given()
        .get("/api/v1/learnwares/{owner}/sturdy/versions/1", owner)
        .then()
        .body("reports.type", equalTo(List.of("validate", "robustness")))
        .body("reports[1].report.pgd[0].accuracy", equalTo(0.62f));
  }

  @Test
  void aRegressorsReportIsKeptAndAccuracyFiltersPassItBy() {
    String token = MARKET.newUser("regress");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadFixture(token, owner, "diabetes", "diabetes-mlp");
    MARKET.validateAll();
    String job = request(token, owner, "diabetes");
    Response claim = claimJob(job);
    // An accuracy has no place in a regressor's report (search filters read accuracies).
    complete(
            job,
            claim,
            """
            {"task": "regression", "clean": {"mae": 41.18, "rmse": 52.12, "r2": 0.577,
             "accuracy": 0.9}}""")
        .then()
        .statusCode(400)
        .body("violations.pointer", equalTo(List.of("/report/clean/accuracy")))
        .body(
            "violations.message",
            equalTo(List.of("a regressor's report gives errors (mae, rmse, r2), not accuracies")));
    complete(
            job,
            claim,
            """
            {"task": "regression", "data": {"rows": 89},
             "clean": {"mae": 41.18, "rmse": 52.12, "r2": 0.577},
             "noise": [{"sigma": 0.1, "draws": 10, "mae": 41.42, "rmse": 52.40, "r2": 0.573}],
             "fgsm": [{"epsilon": 0.1, "mae": 52.58, "rmse": 61.59, "r2": 0.409}],
             "pgd": [{"epsilon": 0.1, "steps": 10, "mae": 52.74, "rmse": 61.73, "r2": 0.407}],
             "blackBox": [], "corruptions": [],
             "attacks": [{"name": "pgd", "ran": true, "reason": "white-box"}],
             "skipped": [{"name": "calibration", "reason": "no class probabilities"}]}""")
        .then()
        .statusCode(200)
        .body("state", equalTo("SUCCEEDED"));
    given()
        .get("/api/v1/learnwares/{owner}/diabetes/versions/1", owner)
        .then()
        .body("reports.type", equalTo(List.of("validate", "robustness")))
        .body("reports[1].report.task", equalTo("regression"))
        .body("reports[1].report.pgd[0].rmse", equalTo(61.73f));
    // The robustness filter asks for an accuracy: a regressor has none, so it never qualifies.
    assertThat(names(owner, Map.of("measure", "clean", "minAccuracy", 0.0))).isEmpty();
    assertThat(names(owner, Map.of("measure", "pgd", "at", 0.1, "minAccuracy", 0.0))).isEmpty();
  }

  @Test
  void aReportOnALearnwareDeletedWhileItWasMeasuredStaysOnTheJob() {
    String token = MARKET.newUser("vanishing");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "gone").then().statusCode(201);
    MARKET.validateAll();
    String job = request(token, owner, "gone");
    Response claim = claimJob(job);
    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{owner}/gone", owner)
        .then()
        .statusCode(204);
    complete(
            job,
            claim,
            """
            {"clean": {"accuracy": 0.9}, "noise": [], "fgsm": [],
             "pgd": [{"epsilon": 0.1, "steps": 10, "accuracy": 0.5}], "corruptions": []}""")
        .then()
        .statusCode(200)
        .body("state", equalTo("SUCCEEDED"));
    given().get("/api/v1/learnwares/{owner}/gone", owner).then().statusCode(404);
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/jobs/{id}", job)
        .then()
        .statusCode(200)
        .body("state", equalTo("SUCCEEDED"))
        .body("result.report.pgd[0].accuracy", equalTo(0.5f));
  }

  private static String request(String token, String owner, String name) {
    return MARKET.requestJob(
        token, Map.of("type", "robustness", "source", owner + "/" + name + "@1"));
  }

  private static Response complete(String job, Response claim, String report) {
    return given()
        .auth()
        .oauth2(EmbeddedPostgresResource.WORKER_TOKEN)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart("report", report)
        .post("/api/v1/worker/jobs/{id}/complete", job);
  }

  /** Requests a robustness job and completes it as a worker with the given accuracies. */
  private static void evaluate(
      String token, String owner, String name, double clean, double pgdAt01) {
    String job =
        MARKET.requestJob(token, Map.of("type", "robustness", "source", owner + "/" + name + "@1"));
    Response claim = claimJob(job);
    String report =
        """
        {"clean": {"accuracy": %s, "ece": 0.03},
         "noise": [{"sigma": 0.1, "accuracy": 0.85}],
         "fgsm": [{"epsilon": 0.1, "accuracy": %s}],
         "pgd": [{"epsilon": 0.1, "steps": 10, "accuracy": %s}],
         "corruptions": []}"""
            .formatted(clean, pgdAt01 + 0.05, pgdAt01);
    given()
        .auth()
        .oauth2(EmbeddedPostgresResource.WORKER_TOKEN)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart("report", report)
        .post("/api/v1/worker/jobs/{id}/complete", job)
        .then()
        .statusCode(200)
        .body("state", equalTo("SUCCEEDED"));
  }

  private static Response claimJob(String job) {
    Response claim;
    do {
      claim = MARKET.claim("robustness");
    } while (claim.statusCode() == 200 && !job.equals(claim.path("id")));
    return claim;
  }

  private static List<String> names(String owner, Map<String, Object> robustness) {
    return given()
        .contentType("application/json")
        .body(Map.of("filters", Map.of("owner", owner, "robustness", robustness)))
        .post("/api/v1/search")
        .then()
        .statusCode(200)
        .extract()
        .path("single.name");
  }
}
