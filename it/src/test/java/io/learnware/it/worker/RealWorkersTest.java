package io.learnware.market.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.djl.LearnwareModel;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.market.support.FashionExample;
import io.learnware.market.support.Fixtures;
import io.learnware.market.support.Market;
import io.learnware.market.support.RealWorker;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.data.ProgressListener;
import io.learnware.spec.reuse.ProbabilisticClassifier;
import io.learnware.spec.rkme.RealData;
import io.learnware.spec.rkme.Rkme;
import io.learnware.worker.runtime.Worker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The market with real worker nodes (DJL, PyTorch): uploads validated, a learnware distilled, a
 * regressor distilled and transferred, and a worker killed with SIGKILL mid-job whose job another
 * worker finishes exactly once.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class RealWorkersTest {

  @Test
  void uploadsAreValidatedAndDistilledByRealWorkers() throws Exception {
    String token = Market.newUser("real");
    String owner = Market.usernameOf(token);
    upload(token, owner, "digits", teacherSpec(), Market.DIGITS_MODEL);
    upload(token, owner, "nan", Fixtures.text(Market.DIGITS_SPEC), "bad-models/nan-output.pt");

    try (Running worker = start("in-process", List.of("validate", "distill"))) {
      JsonPath good =
          awaitVersion(owner, "digits", 1, v -> !"PENDING".equals(v.getString("state")));
      assertThat(good.getString("state")).isEqualTo("USABLE");
      assertThat(good.getInt("reports[0].report.parameters")).isEqualTo(2410);
      assertThat(good.getList("reports[0].report.outputShape", Integer.class))
          .containsExactly(64, 10);
      assertThat(good.getString("validationLog")).contains("verdict: usable");
      JsonPath bad = awaitVersion(owner, "nan", 1, v -> !"PENDING".equals(v.getString("state")));
      assertThat(bad.getString("state")).isEqualTo("INVALID");
      assertThat(bad.getString("validationLog")).containsIgnoringCase("finite");

      String job =
          given()
              .auth()
              .oauth2(token)
              .contentType("application/json")
              .body(
                  Map.of(
                      "student", Map.of("type", "mlp", "hidden", List.of(32)),
                      "epochs", 30,
                      "transferSize", 1000,
                      "seed", 7))
              .post("/api/v1/learnwares/{owner}/digits/versions/1/distillations", owner)
              .then()
              .statusCode(202)
              .extract()
              .path("id");
      JsonPath done = awaitJob(token, job, Duration.ofMinutes(3));
      assertThat(done.getString("state")).as(done.prettify()).isEqualTo("SUCCEEDED");
      assertThat(done.getString("result.learnware")).isEqualTo(owner + "/digits-distilled@1");
      assertThat(done.getDouble("result.report.fidelity")).isGreaterThan(0.8);
      given()
          .get("/api/v1/learnwares/{owner}/digits-distilled/versions/1", owner)
          .then()
          .body("state", equalTo("USABLE"))
          .body("spec.model.format", equalTo("djl"))
          .body("spec.model.architecture.type", equalTo("mlp"))
          .body("lineage.parents[0].learnware", equalTo(owner + "/digits@1"))
          .body("lineage.parents[0].relation", equalTo("distilled"));
    }
  }

  @Test
  void aWorkerKilledMidJobIsReplacedAndTheResultExistsOnce() throws Exception {
    String token = Market.newUser("kill");
    String owner = Market.usernameOf(token);
    upload(token, owner, "teacher", teacherSpec(), Market.DIGITS_MODEL);
    try (Running validator = start("validator", List.of("validate"))) {
      awaitVersion(owner, "teacher", 1, v -> "USABLE".equals(v.getString("state")));
    }
    String job =
        given()
            .auth()
            .oauth2(token)
            .contentType("application/json")
            .body(
                Map.of(
                    "student", Map.of("type", "mlp", "hidden", List.of(64, 64)),
                    "epochs", 400,
                    "transferSize", 2000,
                    "seed", 1))
            .post("/api/v1/learnwares/{owner}/teacher/versions/1/distillations", owner)
            .then()
            .statusCode(202)
            .extract()
            .path("id");

    Process doomed = workerProcess("doomed");
    try {
      awaitJobState(
          token,
          job,
          // Only the doomed process runs distill jobs now; progress means it is training.
          v -> "RUNNING".equals(v.getString("state")) && v.getDouble("progress") > 0);
      doomed.destroyForcibly().waitFor(); // SIGKILL: no goodbye, the lease just stops being renewed
    } finally {
      doomed.destroyForcibly();
    }
    assertThat(doomed.exitValue()).isEqualTo(137);

    try (Running rescuer = start("rescuer", List.of("distill"))) {
      JsonPath done = awaitJob(token, job, Duration.ofMinutes(5));
      assertThat(done.getString("state")).as(done.prettify()).isEqualTo("SUCCEEDED");
      assertThat(done.getInt("attempts")).isEqualTo(2);
    }
    given()
        .get("/api/v1/learnwares/{owner}/teacher-distilled", owner)
        .then()
        .statusCode(200)
        .body("versions.size()", equalTo(1))
        .body("versions[0].version", equalTo(1));
    given()
        .get("/api/v1/learnwares/{owner}/teacher/versions/1", owner)
        .then()
        .body("lineage.children.size()", equalTo(1))
        .body("lineage.children[0].job", equalTo(job))
        .body("lineage.children[0].learnware", containsString("teacher-distilled@1"));
  }

  @Test
  void eightRealWorkersShare500JobsEachRunOnce() throws Exception {
    String token = Market.newUser("eight");
    String owner = Market.usernameOf(token);
    upload(token, owner, "digits", Fixtures.text(Market.DIGITS_SPEC), Market.DIGITS_MODEL);
    List<String> jobs = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      jobs.add(Market.requestJob(token, Map.of("type", "validate", "source", owner + "/digits@1")));
    }
    List<Running> workers = new java.util.ArrayList<>();
    try {
      // The race is for claims, so the racers run jobs in process: 500 sandboxed processes would
      // only make this slower (MaliciousModelsTest and SandboxExecutorTest cover the sandbox).
      for (int w = 0; w < 8; w++) {
        workers.add(start("racer-" + w, List.of("validate"), Duration.ofSeconds(5), false));
      }
      for (String job : jobs) {
        JsonPath done = awaitJob(token, job, Duration.ofMinutes(5));
        assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(done.getInt("attempts")).isEqualTo(1);
      }
    } finally {
      for (Running worker : workers) {
        worker.close();
      }
    }
    JsonPath version =
        given()
            .get("/api/v1/learnwares/{owner}/digits/versions/1", owner)
            .then()
            .extract()
            .jsonPath();
    // One report per job (and one for the upload's own validation): none recorded twice.
    List<String> reportJobs = version.getList("reports.job");
    assertThat(reportJobs).hasSize(501).doesNotHaveDuplicates().containsAll(jobs);
    assertThat(version.getList("reports.report.usable", Boolean.class)).containsOnly(true);
  }

  @Test
  void aRealRobustnessEvaluationIsRecordedAndSearchable() throws Exception {
    String token = Market.newUser("evaluated");
    String owner = Market.usernameOf(token);
    upload(token, owner, "digits", Fixtures.text(Market.DIGITS_SPEC), Market.DIGITS_MODEL);
    given()
        .auth()
        .oauth2(token)
        .multiPart("data", "train.csv.gz", Fixtures.bytes("data/digits-train.csv.gz"))
        .post("/api/v1/datasets/{owner}/train", owner)
        .then()
        .statusCode(201);
    try (Running worker = start("evaluator", List.of("validate", "robustness"))) {
      awaitVersion(owner, "digits", 1, v -> "USABLE".equals(v.getString("state")));
      String job =
          Market.requestJob(
              token,
              Map.of(
                  "type",
                  "robustness",
                  "source",
                  owner + "/digits@1",
                  "dataset",
                  owner + "/train",
                  "params",
                  Map.of(
                      "noise",
                      List.of(0.1),
                      "epsilons",
                      List.of(0.1),
                      "fooling",
                      Map.of("generations", 100, "population", 50))));
      JsonPath done = awaitJob(token, job, Duration.ofMinutes(3));
      assertThat(done.getString("state")).as(done.prettify()).isEqualTo("SUCCEEDED");
      double clean = done.getDouble("result.report.clean.accuracy");
      double pgd = done.getDouble("result.report.pgd[0].accuracy");
      // The training rows: the model fits them better than the test rows (0.9167 there).
      assertThat(clean).isGreaterThan(0.95);
      assertThat(pgd).isLessThan(clean);
      assertThat(done.getDouble("result.report.pgd[0].epsilon")).isEqualTo(0.1);
      // Evolved inputs the MLP is ≥ 99% sure of, far from the training digits.
      assertThat(done.getInt("result.report.fooling.classesFooled")).isPositive();
      assertThat(done.getList("result.report.fooling.perClass.label"))
          .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
      for (int c = 0; c < 10; c++) {
        String entry = "result.report.fooling.perClass[%d].".formatted(c);
        if (done.getBoolean(entry + "fooled")) {
          assertThat(done.getDouble(entry + "bestConfidence")).isGreaterThanOrEqualTo(0.99f);
          assertThat(done.getDouble(entry + "distanceRatio")).isGreaterThan(2);
        }
      }
      JsonPath evaluated =
          given()
              .get("/api/v1/learnwares/{owner}/digits/versions/1", owner)
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertThat(
              evaluated.getInt(
                  "reports.find { it.type == 'robustness' }.report.fooling.classesFooled"))
          .isEqualTo(done.getInt("result.report.fooling.classesFooled"));

      // JsonPath reads numbers as floats: allow their rounding.
      List<String> sturdy =
          given()
              .contentType("application/json")
              .body(
                  Map.of(
                      "filters",
                      Map.of(
                          "owner",
                          owner,
                          "robustness",
                          Map.of("measure", "pgd", "at", 0.1, "minAccuracy", pgd - 1e-6))))
              .post("/api/v1/search")
              .then()
              .statusCode(200)
              .extract()
              .path("single.name");
      assertThat(sturdy).containsExactly("digits");
    }
  }

  @Test
  void aStoppingWorkerHandsItsJobBackToTheQueue() throws Exception {
    String token = Market.newUser("handback");
    String owner = Market.usernameOf(token);
    upload(token, owner, "teacher", teacherSpec(), Market.DIGITS_MODEL);
    try (Running validator = start("validator-2", List.of("validate"))) {
      awaitVersion(owner, "teacher", 1, v -> "USABLE".equals(v.getString("state")));
    }
    String job =
        distill(
            token,
            owner,
            "teacher",
            Map.of(
                "student", Map.of("type", "mlp", "hidden", List.of(64, 64)),
                "epochs", 400,
                "transferSize", 2000),
            null);
    Running leaving = start("leaving", List.of("distill"), Duration.ofMillis(500));
    awaitJobState(
        token, job, v -> "RUNNING".equals(v.getString("state")) && v.getDouble("progress") > 0);

    leaving.close(); // SIGTERM's path: the grace period ends, the job is released

    JsonPath released = awaitJobState(token, job, v -> !"RUNNING".equals(v.getString("state")));
    assertThat(released.getString("state")).isEqualTo("QUEUED");
    assertThat(released.getString("message")).contains("the worker shut down; released");
    try (Running next = start("next", List.of("distill"))) {
      JsonPath done = awaitJob(token, job, Duration.ofMinutes(5));
      assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
      assertThat(done.getInt("attempts")).isEqualTo(2);
    }
  }

  @Test
  void badDistillationsFailWithClearReasonsAndLeaveNothingBehind() throws Exception {
    String token = Market.newUser("baddistill");
    String owner = Market.usernameOf(token);
    upload(token, owner, "digits", teacherSpec(), Market.DIGITS_MODEL);
    given()
        .auth()
        .oauth2(token)
        .multiPart("data", "narrow.csv", "a,b,label\n0.1,0.2,1\n0.3,0.4,0\n".getBytes(), "text/csv")
        .post("/api/v1/datasets/{owner}/narrow", owner)
        .then()
        .statusCode(201);
    try (Running worker = start("strict", List.of("validate", "distill"))) {
      awaitVersion(owner, "digits", 1, v -> "USABLE".equals(v.getString("state")));
      String unknownStudent =
          distill(token, owner, "digits", Map.of("student", Map.of("type", "forest")), null);
      String narrowData =
          distill(
              token,
              owner,
              "digits",
              Map.of("student", Map.of("type", "mlp", "hidden", List.of(8))),
              owner + "/narrow");

      JsonPath unknown = awaitJob(token, unknownStudent, Duration.ofMinutes(2));
      JsonPath narrow = awaitJob(token, narrowData, Duration.ofMinutes(2));
      assertThat(unknown.getString("state")).isEqualTo("FAILED");
      assertThat(unknown.getString("error")).contains("forest");
      assertThat(unknown.getInt("attempts")).isEqualTo(1);
      assertThat(narrow.getString("dataset")).isEqualTo(owner + "/narrow");
      assertThat(narrow.getString("state")).as(narrow.prettify()).isEqualTo("FAILED");
      assertThat(narrow.getString("error")).contains("2").contains("64");
    }
    given().get("/api/v1/learnwares/{owner}/digits-distilled", owner).then().statusCode(404);
  }

  private static String distill(
      String token, String owner, String name, Map<String, Object> params, String dataset) {
    Map<String, Object> body = new java.util.HashMap<>(params);
    if (dataset != null) {
      body.put("dataset", dataset);
    }
    return given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/learnwares/{owner}/{name}/versions/1/distillations", owner, name)
        .then()
        .statusCode(202)
        .extract()
        .path("id");
  }

  /** The digits fixture's spec with an RKME of its training rows, so students can be data-free. */
  private static String teacherSpec() {
    ObjectNode spec = Market.json(Fixtures.text(Market.DIGITS_SPEC));
    int[] training = java.util.stream.IntStream.range(0, 1437).toArray();
    spec.set(
        "statistical",
        SpecDocuments.mapper()
            .valueToTree(
                Rkme.builder().setData(RealData.digits().rows(training).x()).build().toSpec()));
    return spec.toString();
  }

  @Test
  void aFashionCnnIsTransferredToClassesItNeverSawByARealWorker() throws Exception {
    String token = Market.newUser("transfer");
    String owner = Market.usernameOf(token);
    FashionExample.uploadSource(token, owner, "fashion");
    // 200 test images of each class the CNN never saw (5–9). A linear head on the frozen trunk is
    // solved, its penalty cross-validated on all 1,000 rows (the validation split is for trained
    // heads and for 2,000 rows or more).
    FashionExample.uploadDataset(token, owner, "shoes-and-more", 200);
    try (Running worker = start("transfer", List.of("validate", "transfer"))) {
      awaitVersion(owner, "fashion", 1, v -> "USABLE".equals(v.getString("state")));
      String job =
          Market.requestJob(
              token,
              Map.of(
                  "type",
                  "transfer",
                  "source",
                  owner + "/fashion@1",
                  "dataset",
                  owner + "/shoes-and-more",
                  "params",
                  Map.of(
                      "validationSplit",
                      0.5,
                      "seed",
                      7,
                      "labels",
                      List.of("Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"))));
      JsonPath done = awaitJob(token, job, Duration.ofMinutes(3));
      assertThat(done.getString("state")).as(done.prettify()).isEqualTo("SUCCEEDED");
      assertThat(done.getString("result.learnware")).isEqualTo(owner + "/fashion-transferred@1");
      assertThat(done.getDouble("result.report.accuracy"))
          .isGreaterThan(done.getDouble("result.report.baselineAccuracy"));
      given()
          .get("/api/v1/learnwares/{owner}/fashion-transferred/versions/1", owner)
          .then()
          .body("state", equalTo("USABLE"))
          .body("spec.model.format", equalTo("djl"))
          .body("spec.model.architecture.type", equalTo("transfer"))
          .body(
              "spec.output.labels",
              equalTo(List.of("Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")))
          .body("lineage.parents[0].learnware", equalTo(owner + "/fashion@1"))
          .body("lineage.parents[0].relation", equalTo("transferred"))
          .body("reports[0].report.trainRows", equalTo(1000))
          .body("reports[0].report.solver", equalTo("lbfgs"))
          .body("reports[0].report.validation", equalTo("5-fold cross-validation"));
    }

    // A worker's time limit ends a job that would train for a thousand epochs (a head with a
    // hidden layer is trained by gradient steps, not solved), and nothing is kept.
    Worker limited =
        RealWorker.builder("limited", List.of("transfer"))
            .optMaxJobTime(Duration.ofSeconds(2))
            .build();
    try (Running worker = new Running(limited, Thread.ofPlatform().start(limited::run))) {
      String job =
          Market.requestJob(
              token,
              Map.of(
                  "type",
                  "transfer",
                  "source",
                  owner + "/fashion@1",
                  "dataset",
                  owner + "/shoes-and-more",
                  "target",
                  owner + "/never",
                  "params",
                  Map.of("head", Map.of("hidden", 64), "epochs", 1000, "patience", 1000)));
      JsonPath failed = awaitJob(token, job, Duration.ofMinutes(2));
      assertThat(failed.getString("state")).as(failed.prettify()).isEqualTo("FAILED");
      assertThat(failed.getString("error"))
          .startsWith("the job went past its wall time limit (2s, --max-job-time)");
      given().get("/api/v1/learnwares/{owner}/never", owner).then().statusCode(404);
    }
  }

  @Test
  void aRegressorIsDistilledAndTransferredByARealWorker() throws Exception {
    String token = Market.newUser("regression");
    String owner = Market.usernameOf(token);
    given()
        .auth()
        .oauth2(token)
        .multiPart(
            "spec", "spec.json", Fixtures.bytes("diabetes-mlp/spec.json"), "application/json")
        .multiPart(
            "model",
            "model.pt",
            Fixtures.bytes("diabetes-mlp/model.pt"),
            "application/octet-stream")
        .multiPart(
            "file",
            "features.pt",
            Fixtures.bytes("diabetes-mlp/features.pt"),
            "application/octet-stream")
        .post("/api/v1/learnwares/{owner}/diabetes/versions", owner)
        .then()
        .statusCode(201);
    // The 353 training rows, their target in the "label" column, as the fixture ships them.
    given()
        .auth()
        .oauth2(token)
        .multiPart(
            "data",
            "diabetes-train.csv.gz",
            Fixtures.bytes("data/diabetes-train.csv.gz"),
            "application/octet-stream")
        .post("/api/v1/datasets/{owner}/diabetes-train", owner)
        .then()
        .statusCode(201);
    try (Running worker = start("regression", List.of("validate", "distill", "transfer"))) {
      awaitVersion(owner, "diabetes", 1, v -> "USABLE".equals(v.getString("state")));
      String distill =
          given()
              .auth()
              .oauth2(token)
              .contentType("application/json")
              .body(
                  Map.of(
                      "dataset",
                      owner + "/diabetes-train",
                      "student",
                      Map.of("type", "gbdt", "trees", 100, "maxDepth", 2),
                      "learningRate",
                      0.1))
              .post("/api/v1/learnwares/{owner}/diabetes/versions/1/distillations", owner)
              .then()
              .statusCode(202)
              .extract()
              .path("id");
      JsonPath distilled = awaitJob(token, distill, Duration.ofMinutes(3));
      assertThat(distilled.getString("state")).as(distilled.prettify()).isEqualTo("SUCCEEDED");
      assertThat(distilled.getString("result.report.task")).isEqualTo("regression");
      assertThat(distilled.getDouble("result.report.vsTeacher.r2")).isGreaterThan(0.85);
      assertThat(distilled.getDouble("result.report.teacherVsTarget.rmse")).isPositive();
      given()
          .get("/api/v1/learnwares/{owner}/diabetes-distilled/versions/1", owner)
          .then()
          .body("state", equalTo("USABLE"))
          .body("spec.task", equalTo("regression"))
          .body("spec.output.labels", equalTo(List.of("progression")))
          .body("spec.model.format", equalTo("xgboost"))
          .body("lineage.parents[0].relation", equalTo("distilled"));

      String transfer =
          Market.requestJob(
              token,
              Map.of(
                  "type",
                  "transfer",
                  "source",
                  owner + "/diabetes@1",
                  "dataset",
                  owner + "/diabetes-train",
                  "params",
                  Map.of("task", "regression", "labels", List.of("progression"))));
      JsonPath transferred = awaitJob(token, transfer, Duration.ofMinutes(3));
      assertThat(transferred.getString("state")).as(transferred.prettify()).isEqualTo("SUCCEEDED");
      assertThat(transferred.getString("result.report.solver")).isEqualTo("ridge");
      assertThat(transferred.getDouble("result.report.ridge.alpha")).isEqualTo(3.16228);
      assertThat(transferred.getDouble("result.report.r2"))
          .isGreaterThan(transferred.getDouble("result.report.baselineR2"));
      given()
          .get("/api/v1/learnwares/{owner}/diabetes-transferred/versions/1", owner)
          .then()
          .body("state", equalTo("USABLE"))
          .body("spec.task", equalTo("regression"))
          .body("spec.output.dimension", equalTo(1))
          .body("spec.output.labels", equalTo(List.of("progression")))
          .body("spec.model.architecture.type", equalTo("transfer"))
          .body("lineage.parents[0].relation", equalTo("transferred"));
    }
  }

  @Test
  void aPublishedEnsembleIsValidatedEvaluatedDistilledAndLoadedFromJava(@TempDir Path cache)
      throws Exception {
    String token = Market.newUser("published");
    String owner = Market.usernameOf(token);
    Market.uploadDigitsHalf(token, owner, "digits-low", label -> label < 5);
    Market.uploadDigitsHalf(token, owner, "digits-high", label -> label >= 5);
    Market.uploadDataset(token, owner, "digits-test", "data/digits-test.csv.gz");
    try (Running worker =
        start("ensembles", List.of("validate", "reuse", "evaluate", "distill", "robustness"))) {
      awaitVersion(owner, "digits-low", 1, v -> "USABLE".equals(v.getString("state")));
      awaitVersion(owner, "digits-high", 1, v -> "USABLE".equals(v.getString("state")));

      // Publish the job selector's combination of the two halves.
      JsonPath reuse =
          awaitJob(
              token,
              Market.requestJob(
                  token,
                  Map.of(
                      "type", "reuse",
                      "source", owner + "/digits-low",
                      "dataset", owner + "/digits-test",
                      "target", owner + "/both",
                      "params",
                          Map.of(
                              "sources", List.of(owner + "/digits-high"), "publish", "selector"))),
              Duration.ofMinutes(3));
      assertThat(reuse.getString("state")).as(reuse.prettify()).isEqualTo("SUCCEEDED");
      assertThat(reuse.getString("result.learnware")).isEqualTo(owner + "/both@1");
      // docs/reuse.md: the selector is right on 321 of the 360 test rows.
      assertThat(reuse.getDouble("result.report.selector.accuracy"))
          .isCloseTo(321 / 360.0, within(1e-7));
      JsonPath both = awaitVersion(owner, "both", 1, v -> !"PENDING".equals(v.getString("state")));
      assertThat(both.getString("state")).as(both.getString("validationLog")).isEqualTo("USABLE");
      assertThat(both.getString("spec.model.format")).isEqualTo("ensemble");
      assertThat(both.getString("ensemble.method")).isEqualTo("selector");
      assertThat(both.getList("lineage.parents.learnware"))
          .containsExactly(owner + "/digits-low@1", owner + "/digits-high@1");
      assertThat(both.getList("lineage.parents.relation")).containsOnly("combined");
      assertThat(both.getInt("reports.find { it.type == 'validate' }.report.parameters"))
          .isEqualTo(2 * 2410);

      // Evaluated: exactly what the reuse job measured for the selector.
      JsonPath evaluated =
          awaitJob(
              token,
              Market.requestJob(
                  token,
                  Map.of(
                      "type", "evaluate",
                      "source", owner + "/both@1",
                      "dataset", owner + "/digits-test")),
              Duration.ofMinutes(3));
      assertThat(evaluated.getString("state")).as(evaluated.prettify()).isEqualTo("SUCCEEDED");
      assertThat(evaluated.getDouble("result.report.accuracy"))
          .isCloseTo(321 / 360.0, within(1e-7));

      // Attacked without gradients: Square Attack, and the report says why.
      JsonPath attacked =
          awaitJob(
              token,
              Market.requestJob(
                  token,
                  Map.of(
                      "type",
                      "robustness",
                      "source",
                      owner + "/both@1",
                      "dataset",
                      owner + "/digits-test",
                      "params",
                      Map.of("noise", List.of(), "epsilons", List.of(0.1), "squareQueries", 20))),
              Duration.ofMinutes(3));
      assertThat(attacked.getString("state")).as(attacked.prettify()).isEqualTo("SUCCEEDED");
      assertThat(attacked.getString("result.report.attacks[2].name")).isEqualTo("square");
      assertThat(attacked.getBoolean("result.report.attacks[2].ran")).isTrue();
      assertThat(attacked.getString("result.report.attacks[1].reason"))
          .startsWith("no gradients through a published ensemble");

      // Distilled into one small student from the ensemble's RKME ("distil the ensemble").
      String distillation =
          given()
              .auth()
              .oauth2(token)
              .contentType("application/json")
              .body(
                  Map.of(
                      "student", Map.of("type", "mlp", "hidden", List.of(32)),
                      "epochs", 30,
                      "seed", 1))
              .post("/api/v1/learnwares/{owner}/both/versions/1/distillations", owner)
              .then()
              .statusCode(202)
              .extract()
              .path("id");
      JsonPath distilled = awaitJob(token, distillation, Duration.ofMinutes(5));
      assertThat(distilled.getString("state")).as(distilled.prettify()).isEqualTo("SUCCEEDED");
      assertThat(distilled.getString("result.learnware")).isEqualTo(owner + "/both-distilled@1");
      assertThat(distilled.getBoolean("result.report.dataFree")).isTrue();
      assertThat(distilled.getLong("result.report.teacherParameters")).isEqualTo(2 * 2410);
      assertThat(distilled.getDouble("result.report.fidelity")).isGreaterThan(0.85);
      JsonPath student =
          awaitVersion(owner, "both-distilled", 1, v -> !"PENDING".equals(v.getString("state")));
      assertThat(student.getString("state")).isEqualTo("USABLE");
      assertThat(student.getString("lineage.parents[0].learnware")).isEqualTo(owner + "/both@1");
      assertThat(student.getString("lineage.parents[0].relation")).isEqualTo("distilled");
    }

    // Loaded from Java through learnware://, pinned members and all.
    System.setProperty("learnware.cache", cache.toString());
    CsvTables.Table test =
        CsvTables.read(Fixtures.path("data/digits-test.csv.gz"), "label", ProgressListener.none());
    int[] labels = test.labels().stream().mapToInt(Integer::parseInt).toArray();
    int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    try (LearnwareModel both =
        LearnwareModel.load("learnware://localhost:" + port + "/" + owner + "/both")) {
      assertThat(ProbabilisticClassifier.accuracy(both.probabilities(test.features()), labels))
          .isEqualTo(321 / 360.0);
    } finally {
      System.clearProperty("learnware.cache");
    }

    // A member the ensemble pins cannot go while the ensemble stays.
    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{owner}/digits-high/versions/1", owner)
        .then()
        .statusCode(409)
        .body("detail", containsString(owner + "/both@1"));
  }

  private static void upload(String token, String owner, String name, String spec, String model) {
    Market.upload(token, owner, name, spec, model).then().statusCode(201);
  }

  /** A worker in this JVM, stopped (gracefully) on close. */
  private record Running(Worker worker, Thread thread) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      worker.stop();
      thread.join(30_000);
    }
  }

  private static Running start(String id, List<String> types) throws Exception {
    return start(id, types, Duration.ofSeconds(5));
  }

  private static Running start(String id, List<String> types, Duration grace) throws Exception {
    return start(id, types, grace, true);
  }

  private static Running start(String id, List<String> types, Duration grace, boolean sandboxed)
      throws Exception {
    Worker worker =
        RealWorker.builder(id, types)
            .optInsecureNoSandbox(!sandboxed)
            .optShutdownGrace(grace)
            .build();
    Thread thread = Thread.ofPlatform().name("worker-" + id).start(worker::run);
    return new Running(worker, thread);
  }

  /** A worker in its own JVM (this test's class path), so that it can be killed. */
  private static Process workerProcess(String id) throws Exception {
    Path log = Files.createTempFile("worker-" + id, ".log");
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=1",
            "-D" + Worker.NATIVES_PROPERTY + "=" + System.getProperty(Worker.NATIVES_PROPERTY),
            "-cp",
            System.getProperty("java.class.path"),
            "io.learnware.worker.runtime.WorkerMain",
            "--server",
            RealWorker.server().toString(),
            "--token",
            EmbeddedPostgresResource.WORKER_TOKEN,
            "--types",
            "distill",
            "--device",
            "cpu",
            "--id",
            id,
            "--cache",
            Files.createTempDirectory("worker-" + id).toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static JsonPath awaitVersion(
      String owner, String name, int version, Predicate<JsonPath> done)
      throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      JsonPath v =
          given()
              .get("/api/v1/learnwares/{owner}/{name}/versions/{v}", owner, name, version)
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      if (done.test(v)) {
        return v;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        owner + "/" + name + "@" + version + " never reached the state wanted");
  }

  private static JsonPath awaitJob(String token, String job, Duration timeout)
      throws InterruptedException {
    return awaitJobState(
        token,
        job,
        v -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(v.getString("state")),
        timeout);
  }

  private static JsonPath awaitJobState(String token, String job, Predicate<JsonPath> done)
      throws InterruptedException {
    return awaitJobState(token, job, done, Duration.ofMinutes(3));
  }

  private static JsonPath awaitJobState(
      String token, String job, Predicate<JsonPath> done, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonPath v =
          given().auth().oauth2(token).get("/api/v1/jobs/{id}", job).then().extract().jsonPath();
      if (done.test(v)) {
        return v;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("job " + job + " did not get there in " + timeout);
  }
}
