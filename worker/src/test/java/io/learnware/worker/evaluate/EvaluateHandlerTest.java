package io.learnware.worker.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.worker.Fixtures;
import io.learnware.worker.RecordingProgress;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluate job on real fixtures: the digits MLP on the bundled digits test set (classifier),
 * and the diabetes MLP on its test rows (regressor), against the numbers the fixture scripts
 * computed with PyTorch and numpy.
 */
class EvaluateHandlerTest {

  private static final SpecValidator VALIDATOR = new SpecValidator();

  @TempDir static Path dir;

  static JobContext context(String params, String fixture, Path dataset) throws IOException {
    JsonNode spec = Fixtures.json(fixture + "/spec.json");
    return new JobContext(
        "job-1",
        SpecDocuments.mapper().readTree(params),
        SpecDocuments.parse(spec),
        spec,
        Fixtures.path(fixture + "/model.pt"),
        Map.of(),
        Optional.ofNullable(dataset),
        Optional.empty(),
        Files.createTempDirectory(dir, "work"),
        "cpu",
        new RecordingProgress());
  }

  static JsonNode run(String params, String fixture, Path dataset) throws Exception {
    JobOutcome outcome = new EvaluateHandler().run(context(params, fixture, dataset));
    assertThat(outcome.resultSpec()).isEmpty();
    assertThat(outcome.resultModel()).isEmpty();
    assertThat(outcome.usable()).isEmpty();
    assertThat(VALIDATOR.validateEvaluateReport(outcome.report())).isEmpty();
    return outcome.report();
  }

  static void fails(String params, String fixture, Path dataset, String message) {
    assertThatThrownBy(() -> run(params, fixture, dataset))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining(message);
  }

  @Test
  void isFoundByServiceLoader() {
    assertThat(ServiceLoader.load(JobHandler.class).stream().map(p -> p.get().type()))
        .contains("evaluate");
  }

  @Test
  void theDigitsClassifierOnTheBundledTestSet() throws Exception {
    JsonNode report = run("{\"benchmark\": \"digits-test\"}", "digits-mlp", null);
    JsonNode expected = Fixtures.json("digits-mlp/expected.json");

    assertThat(report.get("task").asText()).isEqualTo("classification");
    assertThat(report.get("data").toString())
        .isEqualTo("{\"rows\":360,\"benchmark\":\"digits-test\"}");
    assertThat(report.get("accuracy").asDouble())
        .isCloseTo(expected.get("testAccuracy").asDouble(), within(1e-6));
    assertThat(report.get("labels")).hasSize(10);
    int total = 0;
    int diagonal = 0;
    JsonNode confusion = report.get("confusion");
    assertThat(confusion).hasSize(10);
    for (int i = 0; i < 10; i++) {
      assertThat(confusion.get(i)).hasSize(10);
      for (int j = 0; j < 10; j++) {
        total += confusion.get(i).get(j).asInt();
      }
      diagonal += confusion.get(i).get(i).asInt();
    }
    assertThat(total).isEqualTo(360);
    assertThat(diagonal / 360.0).isCloseTo(report.get("accuracy").asDouble(), within(1e-12));
    int support = 0;
    for (JsonNode c : report.get("perClass")) {
      assertThat(c.get("f1").isNumber()).as(c.toString()).isTrue();
      assertThat(c.get("f1").asDouble()).isFinite().isBetween(0.0, 1.0);
      assertThat(c.get("precision").isNumber()).isTrue();
      assertThat(c.get("recall").isNumber()).isTrue();
      support += c.get("support").asInt();
    }
    assertThat(support).isEqualTo(360);
    assertThat(report.get("bins").asInt()).isEqualTo(15);
    assertThat(report.get("ece").asDouble()).isBetween(0.0, 0.2);
    int binned = 0;
    for (JsonNode bin : report.get("reliability")) {
      binned += bin.get("count").asInt();
    }
    assertThat(binned).isEqualTo(360);
    System.out.printf(
        "digits-mlp on digits-test: accuracy %.6f (expected %.6f), macro precision %.6f recall %.6f"
            + " F1 %.6f, ECE %.6f; class 0 %s; top bin %s%n",
        report.get("accuracy").asDouble(),
        expected.get("testAccuracy").asDouble(),
        report.at("/macro/precision").asDouble(),
        report.at("/macro/recall").asDouble(),
        report.at("/macro/f1").asDouble(),
        report.get("ece").asDouble(),
        report.at("/perClass/0"),
        report.at("/reliability/" + (report.get("reliability").size() - 1)));
  }

  @Test
  void theDiabetesRegressorOnItsTestRows() throws Exception {
    Path test = Fixtures.path("data/diabetes-test.csv.gz");
    JsonNode report = run("{}", "diabetes-mlp", test);
    JsonNode expected = Fixtures.json("diabetes-mlp/expected.json");

    assertThat(report.get("task").asText()).isEqualTo("regression");
    assertThat(report.get("data").toString()).isEqualTo("{\"rows\":89}");
    for (String metric : new String[] {"mae", "rmse", "r2"}) {
      assertThat(report.get(metric).asDouble())
          .as(metric)
          .isCloseTo(expected.at("/test/" + metric).asDouble(), within(1e-4));
    }
    JsonNode quantiles = expected.at("/residualQuantiles/quantiles");
    assertThat(report.get("residualQuantiles")).hasSize(quantiles.size());
    for (int i = 0; i < quantiles.size(); i++) {
      assertThat(report.at("/residualQuantiles/" + i + "/q").asDouble())
          .isEqualTo(quantiles.get(i).get("q").asDouble());
      assertThat(report.at("/residualQuantiles/" + i + "/value").asDouble())
          .as("residual quantile %s", quantiles.get(i).get("q"))
          .isCloseTo(quantiles.get(i).get("value").asDouble(), within(1e-4));
    }
    assertThat(report.has("accuracy")).isFalse();
    System.out.printf(
        "diabetes-mlp on diabetes-test: MAE %.6f RMSE %.6f R2 %.6f mean residual %.6f (expected %s),"
            + " residual quantiles %s%n",
        report.get("mae").asDouble(),
        report.get("rmse").asDouble(),
        report.get("r2").asDouble(),
        report.get("meanResidual").asDouble(),
        expected.get("test"),
        report.get("residualQuantiles"));

    JsonNode median = run("{\"quantiles\": [0.5]}", "diabetes-mlp", test);
    assertThat(median.get("residualQuantiles")).hasSize(1);
    assertThat(median.at("/residualQuantiles/0/value").asDouble())
        .isCloseTo(quantiles.get(2).get("value").asDouble(), within(1e-4));
  }

  @Test
  void badJobsFailWithTheirReasons() throws IOException {
    Path test = Fixtures.path("data/diabetes-test.csv.gz");
    fails("{}", "digits-mlp", null, "evaluate needs a labelled data set");
    fails("{\"benchmark\": \"mnist\"}", "digits-mlp", null, "no bundled benchmark set \"mnist\"");
    fails("{\"benchmark\": \"digits-test\"}", "digits-mlp", test, "not both");
    fails("{\"seed\": 1}", "digits-mlp", test, "unknown parameter \"seed\"");
    fails("{\"quantiles\": [0.5]}", "digits-mlp", test, "quantiles is a parameter for regressors");
    fails("{\"bins\": 10}", "diabetes-mlp", test, "bins is a parameter for classifiers");
    fails("{\"bins\": 0, \"benchmark\": \"digits-test\"}", "digits-mlp", null, "bins must be");
    fails("{\"quantiles\": [1.5]}", "diabetes-mlp", test, "quantiles must be in [0, 1]");
    fails(
        "{\"benchmark\": \"digits-test\"}",
        "diabetes-mlp",
        null,
        "the benchmark set \"digits-test\"");
    Path text = Files.writeString(dir.resolve("text-targets.csv"), header() + row("high"));
    fails("{}", "diabetes-mlp", text, "data row 1: the target \"high\" is not a finite number");
    Path unlabelled = Files.writeString(dir.resolve("unlabelled.csv"), "a,b\n1,2\n");
    fails("{}", "diabetes-mlp", unlabelled, "the data set has 2 feature columns");
    Path missing =
        Files.writeString(dir.resolve("missing.csv"), header() + row("100").replace("0.1,", ","));
    fails("{}", "diabetes-mlp", missing, "the model returned NaN for data row 1");
  }

  private static String header() {
    return "age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,label\n";
  }

  private static String row(String target) {
    return "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0," + target + "\n";
  }
}
