package io.learnware.market.job;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code evaluate} job over HTTP: requested by a user, completed by the test acting as a
 * worker, its report validated and kept on the evaluated version with the data set it was computed
 * on, one report per evaluation so that a version lists every data set it was evaluated on.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class EvaluateJobTest {

  private static final String CLASSIFIER_REPORT =
      """
      {"task": "classification", "data": {"rows": 360, "dataset": "mallory/forged"},
       "accuracy": 0.9167, "labels": ["0", "1"],
       "perClass": [
         {"label": "0", "support": 180, "predicted": 170, "precision": 0.95, "recall": 0.9,
          "f1": 0.924},
         {"label": "1", "support": 180, "predicted": 190, "precision": 0.9, "recall": 0.95,
          "f1": 0.924}],
       "macro": {"precision": 0.925, "recall": 0.925, "f1": 0.924},
       "confusion": [[162, 18], [8, 172]],
       "bins": 15, "ece": 0.037,
       "reliability": [{"from": 0.9333, "to": 1, "count": 360, "confidence": 0.95,
                        "accuracy": 0.9167}]}""";

  @Test
  void reportsAreKeptOnTheVersionPerDataSet() {
    String token = MARKET.newUser("evaluator");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "scored").then().statusCode(201);
    given()
        .auth()
        .oauth2(token)
        .multiPart("data", "test.csv.gz", Fixtures.bytes("data/digits-test.csv.gz"))
        .post("/api/v1/datasets/{owner}/digits-test", owner)
        .then()
        .statusCode(201);
    MARKET.validateAll();

    // What the job needs is checked when it is requested.
    MARKET
        .postJob(token, Map.of("type", "evaluate", "source", owner + "/scored@1"))
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/dataset"))
        .body("detail", containsString("labelled data set"));
    MARKET
        .postJob(
            token,
            Map.of(
                "type",
                "evaluate",
                "source",
                owner + "/scored@1",
                "dataset",
                owner + "/digits-test",
                "params",
                Map.of("benchmark", "digits-test")))
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/params/benchmark"));

    // On the uploaded data set; the worker cannot say it was another one.
    String onDataset =
        queued(
            token,
            Map.of(
                "type",
                "evaluate",
                "source",
                owner + "/scored@1",
                "dataset",
                owner + "/digits-test"));
    Response claim = claimJob(onDataset);
    // The claim carries the data set for the worker to download.
    claim
        .then()
        .body("dataset.name", equalTo(owner + "/digits-test"))
        .body("dataset.format", equalTo("csv"));
    complete(onDataset, claim, "{\"task\": \"classification\", \"data\": {\"rows\": 3}}")
        .then()
        .statusCode(400)
        .body(
            "violations.pointer",
            equalTo(List.of("/report/accuracy", "/report/labels", "/report/perClass")));
    complete(onDataset, claim, CLASSIFIER_REPORT).then().statusCode(200);
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/jobs/{id}", onDataset)
        .then()
        .body("state", equalTo("SUCCEEDED"))
        .body("result.learnware", nullValue())
        .body("result.report.data.dataset", equalTo(owner + "/digits-test"))
        .body("result.report.confusion[1][1]", equalTo(172));

    // On a bundled benchmark set: a second report beside the first.
    String onBenchmark =
        queued(
            token,
            Map.of(
                "type",
                "evaluate",
                "source",
                owner + "/scored@1",
                "params",
                Map.of("benchmark", "digits-test")));
    complete(onBenchmark, claimJob(onBenchmark), CLASSIFIER_REPORT).then().statusCode(200);

    // Data sets are never public: others read that an evaluation ran on a private one.
    given()
        .get("/api/v1/learnwares/{owner}/scored/versions/1", owner)
        .then()
        .statusCode(200)
        .body("reports[1].report.data.dataset", equalTo("a private data set"));
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/learnwares/{owner}/scored/versions/1", owner)
        .then()
        .statusCode(200)
        .body("reports.type", equalTo(List.of("validate", "evaluate", "evaluate")))
        .body("reports[1].job", equalTo(onDataset))
        .body(
            "reports[1].report.data",
            equalTo(Map.of("rows", 360, "dataset", owner + "/digits-test")))
        .body("reports[2].job", equalTo(onBenchmark))
        .body("reports[2].report.data", equalTo(Map.of("rows", 360, "benchmark", "digits-test")))
        .body("reports[2].report.accuracy", equalTo(0.9167f))
        .body("reports[2].report.perClass[0].f1", equalTo(0.924f))
        .body("reports[2].report.reliability[0].count", equalTo(360));
  }

  private static String queued(String token, Map<String, Object> body) {
    return MARKET
        .postJob(token, body)
        .then()
        .statusCode(202)
        .body("type", equalTo("evaluate"))
        .extract()
        .path("id");
  }

  private static Response complete(String job, Response claim, String report) {
    return given()
        .auth()
        .oauth2(EmbeddedPostgresResource.WORKER_TOKEN)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart("report", report)
        .post("/api/v1/worker/jobs/{id}/complete", job);
  }

  /** Claims evaluate jobs as the test worker until it gets {@code job}. */
  private static Response claimJob(String job) {
    Response claim;
    do {
      claim = MARKET.claim("evaluate");
    } while (claim.statusCode() == 200 && !job.equals(claim.path("id")));
    claim.then().statusCode(200);
    return claim;
  }
}
