package io.learnware.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.data.ProgressListener;
import io.learnware.spec.reuse.ProbabilisticClassifier;
import io.learnware.worker.EnsembleFixtures.Published;
import io.learnware.worker.distill.DistillHandler;
import io.learnware.worker.evaluate.EvaluateHandler;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.SourceInputs;
import io.learnware.worker.model.ModelRuntime;
import io.learnware.worker.model.RunnableModel;
import io.learnware.worker.reuse.ReuseHandler;
import io.learnware.worker.robustness.RobustnessHandler;
import io.learnware.worker.transfer.TransferHandler;
import io.learnware.worker.validate.ValidateHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A published ensemble made by the reuse job (digits-low and digits-high on the 360 digits test
 * rows, mean and selector; diabetes-sex1 and diabetes-sex2 on the 89 diabetes test rows, mean) runs
 * in every job: it validates, evaluates to what the reuse job measured, is attacked by Square
 * Attack (it has no gradients), is distilled into one small student ("distil the ensemble", Hinton,
 * Vinyals and Dean 2015) with a data set and from its RKME, and has no backbone to transfer.
 */
class EnsembleJobsTest {

  private static final SpecValidator VALIDATOR = new SpecValidator();

  @TempDir static Path dir;
  static JsonNode digitsReport;
  static Published digitsMean;
  static Published digitsSelector;
  static JsonNode diabetesReport;
  static Published diabetesMean;

  @BeforeAll
  static void publish() throws Exception {
    List<SourceInputs> halves =
        List.of(EnsembleFixtures.digitsHalf("low"), EnsembleFixtures.digitsHalf("high"));
    JobOutcome mean = reuse(halves, "mean", EnsembleFixtures.DIGITS_TEST);
    digitsReport = mean.report();
    digitsMean = published(mean, halves);
    digitsSelector = published(reuse(halves, "selector", EnsembleFixtures.DIGITS_TEST), halves);
    List<SourceInputs> sexes =
        List.of(EnsembleFixtures.diabetesSex(1), EnsembleFixtures.diabetesSex(2));
    JobOutcome regression = reuse(sexes, "mean", EnsembleFixtures.DIABETES_TEST);
    diabetesReport = regression.report();
    diabetesMean = published(regression, sexes);
  }

  static JobOutcome reuse(List<SourceInputs> members, String publish, Path data) throws Exception {
    SourceInputs first = members.getFirst();
    return new ReuseHandler()
        .run(
            new JobContext(
                "job-reuse",
                SpecDocuments.mapper().readTree("{\"publish\": \"%s\"}".formatted(publish)),
                first.spec(),
                first.specDocument(),
                first.model(),
                first.files(),
                Optional.of(data),
                Optional.empty(),
                Files.createTempDirectory(dir, "reuse"),
                "cpu",
                new RecordingProgress(),
                members));
  }

  static Published published(JobOutcome outcome, List<SourceInputs> members) {
    return new Published(
        (ObjectNode) outcome.resultSpec().orElseThrow(),
        outcome.resultModel().orElseThrow(),
        members);
  }

  static JobOutcome run(JobHandler handler, Published ensemble, String params, Path data)
      throws Exception {
    return handler.run(
        ensemble.context(
            params, data, Files.createTempDirectory(dir, "work"), new RecordingProgress()));
  }

  @Test
  void aPublishedEnsembleValidates() throws Exception {
    JsonNode report = run(new ValidateHandler(), digitsSelector, "{}", null).report();
    assertThat(report.get("usable").asBoolean()).isTrue();
    assertThat(report.get("outputShape").toString()).isEqualTo("[64,10]");
    assertThat(report.get("parameters").asLong()).isEqualTo(2 * 2410);
    JsonNode regression = run(new ValidateHandler(), diabetesMean, "{}", null).report();
    assertThat(regression.get("usable").asBoolean()).isTrue();
    assertThat(regression.get("parameters").asLong()).isEqualTo(2 * 385);
  }

  @Test
  void anEnsembleEvaluatesToWhatTheReuseJobMeasured() throws Exception {
    JsonNode mean =
        run(new EvaluateHandler(), digitsMean, "{}", EnsembleFixtures.DIGITS_TEST).report();
    assertThat(VALIDATOR.validateEvaluateReport(mean)).isEmpty();
    assertThat(mean.get("accuracy").asDouble())
        .isEqualTo(digitsReport.at("/mean/accuracy").asDouble())
        .isEqualTo(298 / 360.0);
    JsonNode selector =
        run(new EvaluateHandler(), digitsSelector, "{}", EnsembleFixtures.DIGITS_TEST).report();
    assertThat(selector.get("accuracy").asDouble())
        .isEqualTo(digitsReport.at("/selector/accuracy").asDouble())
        .isEqualTo(321 / 360.0);
    JsonNode regression =
        run(new EvaluateHandler(), diabetesMean, "{}", EnsembleFixtures.DIABETES_TEST).report();
    System.out.printf(
        "evaluate: digits mean %.4f (ECE %.4f), selector %.4f; diabetes mean MAE %.4f RMSE %.4f"
            + " R² %.4f%n",
        mean.get("accuracy").asDouble(),
        mean.get("ece").asDouble(),
        selector.get("accuracy").asDouble(),
        regression.get("mae").asDouble(),
        regression.get("rmse").asDouble(),
        regression.get("r2").asDouble());
    for (String figure : List.of("mae", "rmse", "r2")) {
      assertThat(regression.get(figure).asDouble())
          .as(figure)
          .isEqualTo(diabetesReport.at("/mean/" + figure).asDouble());
    }
  }

  @Test
  void anEnsembleIsAttackedByTheBlackBoxAttackAndTheReportSaysWhy() throws Exception {
    JsonNode report =
        run(
                new RobustnessHandler(),
                digitsSelector,
                "{\"noise\": [0.1], \"epsilons\": [0.1], \"squareQueries\": 200}",
                EnsembleFixtures.DIGITS_TEST)
            .report();
    assertThat(VALIDATOR.validateRobustnessReport(report)).isEmpty();
    String noGradients =
        "no gradients through a published ensemble: its members run as separately loaded models"
            + " whose outputs are combined outside any engine's autograd graph";
    assertThat(report.at("/attacks/0/ran").asBoolean()).isFalse();
    assertThat(report.at("/attacks/0/reason").asText()).isEqualTo(noGradients);
    assertThat(report.at("/attacks/1/reason").asText()).isEqualTo(noGradients);
    assertThat(report.at("/attacks/2/name").asText()).isEqualTo("square");
    assertThat(report.at("/attacks/2/ran").asBoolean()).isTrue();
    assertThat(report.at("/attacks/2/reason").asText())
        .isEqualTo(
            "score-based black-box attack in place of FGSM and PGD, which need input gradients");
    assertThat(report.get("pgd")).isEmpty();
    double clean = report.at("/clean/accuracy").asDouble();
    double attacked = report.at("/blackBox/0/accuracy").asDouble();
    System.out.printf(
        "robustness of the selector ensemble: clean %.4f, noise 0.1 %.4f, Square Attack ε 0.1"
            + " (200 queries) %.4f%n",
        clean, report.at("/noise/0/accuracy").asDouble(), attacked);
    assertThat(clean).isEqualTo(321 / 360.0);
    assertThat(attacked).isLessThan(clean - 0.2);
    // Noise misleads the router, not the members: their mean keeps its accuracy.
    JsonNode mean =
        run(
                new RobustnessHandler(),
                digitsMean,
                "{\"noise\": [0.1], \"epsilons\": []}",
                EnsembleFixtures.DIGITS_TEST)
            .report();
    System.out.printf(
        "robustness of the mean ensemble: clean %.4f, noise 0.1 %.4f%n",
        mean.at("/clean/accuracy").asDouble(), mean.at("/noise/0/accuracy").asDouble());
    assertThat(report.at("/noise/0/accuracy").asDouble()).isLessThan(0.6);
    assertThat(mean.at("/noise/0/accuracy").asDouble()).isGreaterThan(0.8);
  }

  @Test
  void theEnsembleIsDistilledIntoOneSmallStudent() throws Exception {
    String params =
        "{\"student\": {\"type\": \"mlp\", \"hidden\": [32]}, \"alpha\": 1, \"seed\": 1}";
    JobOutcome withData =
        run(
            new DistillHandler(),
            digitsSelector,
            params,
            Fixtures.path("data/digits-train.csv.gz"));
    JobOutcome dataFree = run(new DistillHandler(), digitsSelector, params, null);
    CsvTables.Table test =
        CsvTables.read(EnsembleFixtures.DIGITS_TEST, "label", ProgressListener.none());
    int[] labels = test.labels().stream().mapToInt(Integer::parseInt).toArray();
    for (JobOutcome outcome : List.of(withData, dataFree)) {
      JsonNode report = outcome.report();
      JsonNode spec = outcome.resultSpec().orElseThrow();
      assertThat(VALIDATOR.validate(spec)).isEmpty();
      double onTest;
      double agreement;
      try (RunnableModel student =
              ModelRuntime.load(
                  new SourceInputs(
                          "demo/student@1",
                          SpecDocuments.parse(spec),
                          spec,
                          outcome.resultModel().orElseThrow(),
                          Map.of())
                      .modelSource(Device.cpu()));
          RunnableModel ensemble =
              ModelRuntime.load(
                  digitsSelector.inputs("demo/digits-ensemble@1").modelSource(Device.cpu()))) {
        double[][] students = doubles(student.predict(test.features()));
        double[][] teachers = doubles(ensemble.predict(test.features()));
        onTest = ProbabilisticClassifier.accuracy(students, labels);
        agreement =
            ProbabilisticClassifier.accuracy(students, ProbabilisticClassifier.argmax(teachers));
      }
      System.out.printf(
          "distil the selector ensemble (%s): fidelity %.4f on %d held-out rows, parameters %d of"
              + " %d; on the 360 test rows: accuracy %.4f (the ensemble 0.8917), agreement with"
              + " the ensemble %.4f%n",
          report.get("dataFree").asBoolean() ? "data-free, 2000 points from its RKME" : "1437 rows",
          report.get("fidelity").asDouble(),
          report.get("heldOutRows").asInt(),
          report.get("studentParameters").asLong(),
          report.get("teacherParameters").asLong(),
          onTest,
          agreement);
      assertThat(report.get("teacherParameters").asLong()).isEqualTo(2 * 2410);
      assertThat(report.get("studentParameters").asLong()).isEqualTo(64 * 32 + 32 + 32 * 10 + 10);
      assertThat(report.get("fidelity").asDouble()).isGreaterThan(0.9);
      assertThat(agreement).isGreaterThan(report.get("dataFree").asBoolean() ? 0.8 : 0.9);
    }
    assertThat(withData.report().get("dataFree").asBoolean()).isFalse();
    assertThat(dataFree.report().get("dataFree").asBoolean()).isTrue();
  }

  @Test
  void theRegressionEnsembleIsDistilledAndAttackedOnItsSquaredError() throws Exception {
    JobOutcome distilled =
        run(
            new DistillHandler(),
            diabetesMean,
            "{\"student\": {\"type\": \"mlp\", \"hidden\": [8]}, \"epochs\": 200, \"seed\": 1}",
            Fixtures.path("data/diabetes-train.csv.gz"));
    JsonNode report = distilled.report();
    assertThat(VALIDATOR.validate(distilled.resultSpec().orElseThrow())).isEmpty();
    assertThat(distilled.resultSpec().orElseThrow().get("task").asText()).isEqualTo("regression");
    assertThat(report.get("teacherParameters").asLong()).isEqualTo(2 * 385);
    assertThat(report.get("studentParameters").asLong()).isEqualTo(10 * 8 + 8 + 8 + 1);
    System.out.printf(
        "distil the diabetes mean ensemble (mlp [8]): vs the ensemble R² %.4f RMSE %.3f; vs the"
            + " targets R² %.4f (the ensemble's %.4f)%n",
        report.at("/vsTeacher/r2").asDouble(),
        report.at("/vsTeacher/rmse").asDouble(),
        report.at("/vsTarget/r2").asDouble(),
        report.at("/teacherVsTarget/r2").asDouble());
    assertThat(report.at("/vsTeacher/r2").asDouble()).isGreaterThan(0.9);

    JsonNode robustness =
        run(
                new RobustnessHandler(),
                diabetesMean,
                "{\"noise\": [], \"epsilons\": [0.1], \"squareQueries\": 100}",
                EnsembleFixtures.DIABETES_TEST)
            .report();
    assertThat(VALIDATOR.validateRobustnessReport(robustness)).isEmpty();
    double clean = robustness.at("/clean/rmse").asDouble();
    double attacked = robustness.at("/blackBox/0/rmse").asDouble();
    System.out.printf(
        "robustness of the diabetes mean ensemble: clean RMSE %.3f, Square Attack ε 0.1 (100"
            + " queries) %.3f%n",
        clean, attacked);
    assertThat(clean).isEqualTo(diabetesReport.at("/mean/rmse").asDouble(), within(1e-3));
    assertThat(attacked).isGreaterThan(clean);
  }

  @Test
  void anEnsembleHasNoBackboneToTransfer() {
    assertThatThrownBy(
            () -> run(new TransferHandler(), digitsMean, "{}", EnsembleFixtures.DIGITS_TEST))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "the source has no feature extractor to transfer: a published ensemble has no single"
                + " backbone: each member has its own layers, and the ensemble combines their"
                + " outputs, not their features");
  }

  static double[][] doubles(float[][] values) {
    double[][] out = new double[values.length][];
    for (int r = 0; r < values.length; r++) {
      out[r] = new double[values[r].length];
      for (int c = 0; c < out[r].length; c++) {
        out[r][c] = values[r][c];
      }
    }
    return out;
  }
}
