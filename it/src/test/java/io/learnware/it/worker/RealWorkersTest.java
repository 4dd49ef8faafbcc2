package io.learnware.it.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.djl.LearnwareModel;
import io.learnware.it.support.FashionExample;
import io.learnware.it.support.MarketFixture;
import io.learnware.it.support.RealWorker;
import io.learnware.it.support.RealWorker.Running;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.data.ProgressListener;
import io.learnware.spec.reuse.ProbabilisticClassifier;
import io.learnware.spec.rkme.RealData;
import io.learnware.spec.rkme.Rkme;
import io.learnware.testing.Fixtures;
import io.learnware.worker.runtime.Worker;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The market with real worker nodes (DJL, PyTorch): uploads validated, a learnware distilled, a
 * regressor distilled and transferred, and a worker killed with SIGKILL mid-job whose job another
 * worker finishes exactly once.
 */
class RealWorkersTest {

  @RegisterExtension static final MarketFixture market = new MarketFixture();

  @Test
  void uploadsAreValidatedAndDistilledByRealWorkers() throws Exception {
    String token = market.newUser("real");
    String owner = market.usernameOf(token);
    upload(token, owner, "digits", teacherSpec(), Fixtures.DIGITS_MODEL);
    upload(token, owner, "nan", Fixtures.text(Fixtures.DIGITS_SPEC), "bad-models/nan-output.pt");

    try (Running worker = RealWorker.start(market, "in-process", List.of("validate", "distill"))) {
      JsonPath good =
          market.awaitVersion(owner, "digits", 1, v -> !"PENDING".equals(v.getString("state")));
      assertThat(good.getString("state")).isEqualTo("USABLE");
      assertThat(good.getInt("reports[0].report.parameters")).isEqualTo(2410);
      assertThat(good.getList("reports[0].report.outputShape", Integer.class))
          .containsExactly(64, 10);
      assertThat(good.getString("validationLog")).contains("verdict: usable");
      JsonPath bad =
          market.awaitVersion(owner, "nan", 1, v -> !"PENDING".equals(v.getString("state")));
      assertThat(bad.getString("state")).isEqualTo("INVALID");
      assertThat(bad.getString("validationLog")).containsIgnoringCase("finite");

      String job =
          distill(
              token,
              owner,
              "digits",
              Map.of(
                  "student", Map.of("type", "mlp", "hidden", List.of(32)),
                  "epochs", 30,
                  "transferSize", 1000,
                  "seed", 7),
              null);
      JsonPath done = market.awaitJob(token, job, Duration.ofMinutes(3));
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
    String token = market.newUser("kill");
    String owner = market.usernameOf(token);
    usableTeacher(token, owner);
    String job = longDistillation(token, owner, Map.of("seed", 1));

    Process doomed = RealWorker.process(market, "doomed", List.of("distill"));
    try {
      // Only the doomed process runs distill jobs now.
      awaitTraining(token, job);
      doomed.destroyForcibly().waitFor(); // SIGKILL: no goodbye, the lease just stops being renewed
    } finally {
      doomed.destroyForcibly();
    }
    assertThat(doomed.exitValue()).isEqualTo(137);

    try (Running rescuer = RealWorker.start(market, "rescuer", List.of("distill"))) {
      JsonPath done = market.awaitJob(token, job, Duration.ofMinutes(5));
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
    String token = market.newUser("eight");
    String owner = market.usernameOf(token);
    upload(token, owner, "digits", Fixtures.text(Fixtures.DIGITS_SPEC), Fixtures.DIGITS_MODEL);
    List<String> jobs = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      jobs.add(market.requestJob(token, Map.of("type", "validate", "source", owner + "/digits@1")));
    }
    List<Running> workers = new java.util.ArrayList<>();
    try {
      // The race is for claims, so the racers run jobs in process: 500 sandboxed processes would
      // only make this slower (MaliciousModelsTest and SandboxExecutorTest cover the sandbox).
      for (int w = 0; w < 8; w++) {
        String id = "racer-" + w;
        workers.add(
            RealWorker.start(
                id,
                RealWorker.builder(market, id, List.of("validate"))
                    .optInsecureNoSandbox(true)
                    .optShutdownGrace(Duration.ofSeconds(5))
                    .build()));
      }
      for (String job : jobs) {
        JsonPath done = market.awaitJob(token, job, Duration.ofMinutes(5));
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
    String token = market.newUser("evaluated");
    String owner = market.usernameOf(token);
    upload(token, owner, "digits", Fixtures.text(Fixtures.DIGITS_SPEC), Fixtures.DIGITS_MODEL);
    market.uploadDataset(token, owner, "train", "data/digits-train.csv.gz");
    try (Running worker =
        RealWorker.start(market, "evaluator", List.of("validate", "robustness"))) {
      market.awaitVersion(owner, "digits", 1, v -> "USABLE".equals(v.getString("state")));
      String job =
          market.requestJob(
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
      JsonPath done = market.awaitJob(token, job, Duration.ofMinutes(3));
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
    String token = market.newUser("handback");
    String owner = market.usernameOf(token);
    usableTeacher(token, owner);
    String job = longDistillation(token, owner, Map.of());
    Running leaving =
        RealWorker.start(
            "leaving",
            RealWorker.builder(market, "leaving", List.of("distill"))
                .optShutdownGrace(Duration.ofMillis(500))
                .build());
    awaitTraining(token, job);

    leaving.close(); // SIGTERM's path: the grace period ends, the job is released

    JsonPath released =
        market.awaitJob(
            token, job, v -> !"RUNNING".equals(v.getString("state")), Duration.ofMinutes(3));
    assertThat(released.getString("state")).isEqualTo("QUEUED");
    assertThat(released.getString("message")).contains("the worker shut down; released");
    try (Running next = RealWorker.start(market, "next", List.of("distill"))) {
      JsonPath done = market.awaitJob(token, job, Duration.ofMinutes(5));
      assertThat(done.getString("state")).isEqualTo("SUCCEEDED");
      assertThat(done.getInt("attempts")).isEqualTo(2);
    }
  }

  @Test
  void badDistillationsFailWithClearReasonsAndLeaveNothingBehind() throws Exception {
    String token = market.newUser("baddistill");
    String owner = market.usernameOf(token);
    upload(token, owner, "digits", teacherSpec(), Fixtures.DIGITS_MODEL);
    given()
        .auth()
        .oauth2(token)
        .multiPart("data", "narrow.csv", "a,b,label\n0.1,0.2,1\n0.3,0.4,0\n".getBytes(), "text/csv")
        .post("/api/v1/datasets/{owner}/narrow", owner)
        .then()
        .statusCode(201);
    try (Running worker = RealWorker.start(market, "strict", List.of("validate", "distill"))) {
      market.awaitVersion(owner, "digits", 1, v -> "USABLE".equals(v.getString("state")));
      String unknownStudent =
          distill(token, owner, "digits", Map.of("student", Map.of("type", "forest")), null);
      String narrowData =
          distill(
              token,
              owner,
              "digits",
              Map.of("student", Map.of("type", "mlp", "hidden", List.of(8))),
              owner + "/narrow");

      JsonPath unknown = market.awaitJob(token, unknownStudent, Duration.ofMinutes(2));
      JsonPath narrow = market.awaitJob(token, narrowData, Duration.ofMinutes(2));
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

  /**
   * Queues a distillation of {@code owner/teacher} long enough to be interrupted (a 64-64 student,
   * 400 epochs on 2,000 transfer rows), with {@code more} parameters.
   */
  private static String longDistillation(String token, String owner, Map<String, Object> more) {
    Map<String, Object> params = new java.util.HashMap<>(more);
    params.put("student", Map.of("type", "mlp", "hidden", List.of(64, 64)));
    params.put("epochs", 400);
    params.put("transferSize", 2000);
    return distill(token, owner, "teacher", params, null);
  }

  /** Waits until the job runs and has reported progress: its worker is training. */
  private static void awaitTraining(String token, String job) throws InterruptedException {
    market.awaitJob(
        token,
        job,
        v -> "RUNNING".equals(v.getString("state")) && v.getDouble("progress") > 0,
        Duration.ofMinutes(3));
  }

  /**
   * Uploads {@code owner/teacher}, the digits MLP with {@link #teacherSpec()}, and has a real
   * worker validate it; the worker is gone when this returns.
   */
  private static void usableTeacher(String token, String owner) throws Exception {
    upload(token, owner, "teacher", teacherSpec(), Fixtures.DIGITS_MODEL);
    try (Running validator = RealWorker.start(market, "validator", List.of("validate"))) {
      market.awaitVersion(owner, "teacher", 1, v -> "USABLE".equals(v.getString("state")));
    }
  }

  /** The digits fixture's spec with an RKME of its training rows, so students can be data-free. */
  private static String teacherSpec() {
    ObjectNode spec = Fixtures.json(Fixtures.text(Fixtures.DIGITS_SPEC));
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
    String token = market.newUser("transfer");
    String owner = market.usernameOf(token);
    market.uploadFixture(token, owner, "fashion", "fashion-cnn");
    // 200 test images of each class the CNN never saw (5–9). A linear head on the frozen trunk is
    // solved, its penalty cross-validated on all 1,000 rows (the validation split is for trained
    // heads and for 2,000 rows or more).
    FashionExample.uploadDataset(token, owner, "shoes-and-more", 200);
    try (Running worker = RealWorker.start(market, "transfer", List.of("validate", "transfer"))) {
      market.awaitVersion(owner, "fashion", 1, v -> "USABLE".equals(v.getString("state")));
      String job =
          transferFashion(
              token,
              owner,
              Map.of(
                  "params",
                  Map.of(
                      "validationSplit",
                      0.5,
                      "seed",
                      7,
                      "labels",
                      List.of("Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"))));
      JsonPath done = market.awaitJob(token, job, Duration.ofMinutes(3));
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
        RealWorker.builder(market, "limited", List.of("transfer"))
            .optMaxJobTime(Duration.ofSeconds(2))
            .build();
    try (Running worker = RealWorker.start("limited", limited)) {
      String job =
          transferFashion(
              token,
              owner,
              Map.of(
                  "target",
                  owner + "/never",
                  "params",
                  Map.of("head", Map.of("hidden", 64), "epochs", 1000, "patience", 1000)));
      JsonPath failed = market.awaitJob(token, job, Duration.ofMinutes(2));
      assertThat(failed.getString("state")).as(failed.prettify()).isEqualTo("FAILED");
      assertThat(failed.getString("error"))
          .startsWith("the job went past its wall time limit (2s, --max-job-time)");
      given().get("/api/v1/learnwares/{owner}/never", owner).then().statusCode(404);
    }
  }

  /**
   * Requests a transfer of {@code owner/fashion@1} to the data set {@code owner/shoes-and-more}.
   */
  private static String transferFashion(String token, String owner, Map<String, Object> more) {
    Map<String, Object> request = new java.util.HashMap<>(more);
    request.put("type", "transfer");
    request.put("source", owner + "/fashion@1");
    request.put("dataset", owner + "/shoes-and-more");
    return market.requestJob(token, request);
  }

  @Test
  void aRegressorIsDistilledAndTransferredByARealWorker() throws Exception {
    String token = market.newUser("regression");
    String owner = market.usernameOf(token);
    market.uploadFixture(token, owner, "diabetes", "diabetes-mlp");
    // The 353 training rows, their target in the "label" column, as the fixture ships them.
    market.uploadDataset(token, owner, "diabetes-train", "data/diabetes-train.csv.gz");
    try (Running worker =
        RealWorker.start(market, "regression", List.of("validate", "distill", "transfer"))) {
      market.awaitVersion(owner, "diabetes", 1, v -> "USABLE".equals(v.getString("state")));
      String distill =
          distill(
              token,
              owner,
              "diabetes",
              Map.of(
                  "student",
                  Map.of("type", "gbdt", "trees", 100, "maxDepth", 2),
                  "learningRate",
                  0.1),
              owner + "/diabetes-train");
      JsonPath distilled = market.awaitJob(token, distill, Duration.ofMinutes(3));
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
          market.requestJob(
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
      JsonPath transferred = market.awaitJob(token, transfer, Duration.ofMinutes(3));
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
    String token = market.newUser("published");
    String owner = market.usernameOf(token);
    market.uploadDigitsHalves(token, owner);
    market.uploadDataset(token, owner, "digits-test", "data/digits-test.csv.gz");
    try (Running worker =
        RealWorker.start(
            market,
            "ensembles",
            List.of("validate", "reuse", "evaluate", "distill", "robustness"))) {
      market.awaitVersion(owner, "digits-low", 1, v -> "USABLE".equals(v.getString("state")));
      market.awaitVersion(owner, "digits-high", 1, v -> "USABLE".equals(v.getString("state")));

      // Publish the job selector's combination of the two halves.
      JsonPath reuse =
          market.awaitJob(
              token,
              market.requestJob(
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
      JsonPath both =
          market.awaitVersion(owner, "both", 1, v -> !"PENDING".equals(v.getString("state")));
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
          market.awaitJob(
              token,
              market.requestJob(
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
          market.awaitJob(
              token,
              market.requestJob(
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
          distill(
              token,
              owner,
              "both",
              Map.of(
                  "student", Map.of("type", "mlp", "hidden", List.of(32)), "epochs", 30, "seed", 1),
              null);
      JsonPath distilled = market.awaitJob(token, distillation, Duration.ofMinutes(5));
      assertThat(distilled.getString("state")).as(distilled.prettify()).isEqualTo("SUCCEEDED");
      assertThat(distilled.getString("result.learnware")).isEqualTo(owner + "/both-distilled@1");
      assertThat(distilled.getBoolean("result.report.dataFree")).isTrue();
      assertThat(distilled.getLong("result.report.teacherParameters")).isEqualTo(2 * 2410);
      assertThat(distilled.getDouble("result.report.fidelity")).isGreaterThan(0.85);
      JsonPath student =
          market.awaitVersion(
              owner, "both-distilled", 1, v -> !"PENDING".equals(v.getString("state")));
      assertThat(student.getString("state")).isEqualTo("USABLE");
      assertThat(student.getString("lineage.parents[0].learnware")).isEqualTo(owner + "/both@1");
      assertThat(student.getString("lineage.parents[0].relation")).isEqualTo("distilled");
    }

    // Loaded from Java through learnware://, pinned members and all.
    System.setProperty("learnware.cache", cache.toString());
    CsvTables.Table test =
        CsvTables.read(Fixtures.path("data/digits-test.csv.gz"), "label", ProgressListener.none());
    int[] labels = test.labels().stream().mapToInt(Integer::parseInt).toArray();
    try (LearnwareModel both = LearnwareModel.load(market.learnwareUrl(owner + "/both"))) {
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
    market.upload(token, owner, name, spec, model).then().statusCode(201);
  }
}
