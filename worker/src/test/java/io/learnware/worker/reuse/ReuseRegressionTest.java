package io.learnware.worker.reuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.worker.EnsembleFixtures;
import io.learnware.worker.Fixtures;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.SourceInputs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reuse job on regressors: diabetes-sex1 and diabetes-sex2 (each trained on the patients of one
 * sex, fixtures/make_regression_split_fixtures.py) on the 89 diabetes test rows, against the
 * PyTorch references in fixtures/diabetes-split.json; diabetes-mlp with its own ONNX export.
 */
class ReuseRegressionTest {

  @TempDir Path dir;

  static final JsonNode SPLIT = Fixtures.json("diabetes-split.json");
  static final JsonNode DIABETES = Fixtures.json("diabetes-mlp/expected.json");

  JsonNode run(String params, Path data, List<SourceInputs> members) throws Exception {
    return new ReuseHandler()
        .run(ReusePublishTest.context(params, data, Files.createTempDirectory(dir, "w"), members))
        .report();
  }

  static List<SourceInputs> halves() {
    return List.of(EnsembleFixtures.diabetesSex(1), EnsembleFixtures.diabetesSex(2));
  }

  @Test
  void regressorsAreAveragedAndRoutedAndMeasuredLikeTheReference() throws Exception {
    JsonNode report = run("{}", EnsembleFixtures.DIABETES_TEST, halves());
    System.out.println("reuse of diabetes-sex1 and diabetes-sex2: " + report);

    assertThat(report.get("task").asText()).isEqualTo("regression");
    assertThat(report.get("rows").asInt()).isEqualTo(89);
    assertThat(report.get("outputs").asInt()).isEqualTo(1);
    assertThat(report.get("labelled").asBoolean()).isTrue();
    assertThat(report.has("vote")).isFalse();
    for (int m = 0; m < 2; m++) {
      JsonNode reference = SPLIT.at("/models/diabetes-sex%d/test".formatted(m + 1));
      expectClose(report.at("/single/" + m), reference);
    }
    expectClose(report.get("mean"), SPLIT.get("mean"));
    // The RKMEs tell the sexes apart: every row reaches the model of its sex (47 and 42 rows),
    // so the selector is the oracle.
    expectClose(report.get("selector"), SPLIT.get("oracle"));
    assertThat(report.at("/selector/routed/0/rows").asInt()).isEqualTo(47);
    assertThat(report.at("/selector/routed/1/rows").asInt()).isEqualTo(42);
    assertThat(report.at("/best/method").asText()).isEqualTo("selector");
    assertThat(report.at("/best/rmse").asDouble())
        .isEqualTo(report.at("/selector/rmse").asDouble());
    assertThat(report.at("/mean/predicted/0/mean").asDouble()).isBetween(25.0, 346.0);
  }

  @Test
  void aModelAndItsOnnxExportAveragedAreTheModel() throws Exception {
    JsonNode report =
        run(
            "{\"methods\": [\"mean\"]}",
            EnsembleFixtures.DIABETES_TEST,
            List.of(EnsembleFixtures.diabetesMlp(false), EnsembleFixtures.diabetesMlp(true)));
    expectClose(report.at("/single/0"), DIABETES.get("test"));
    expectClose(report.at("/single/1"), DIABETES.get("test"));
    expectClose(report.get("mean"), DIABETES.get("test"));
  }

  @Test
  void withoutTargetsThePredictionsAreSummarised() throws Exception {
    Path unlabelled = dir.resolve("diabetes-unlabelled.csv");
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(EnsembleFixtures.DIABETES_TEST)),
                StandardCharsets.US_ASCII))) {
      Files.writeString(
          unlabelled,
          reader
              .lines()
              .map(line -> line.substring(0, line.lastIndexOf(',')))
              .collect(Collectors.joining("\n", "", "\n")));
    }
    JsonNode report = run("{}", unlabelled, halves());

    assertThat(report.get("labelled").asBoolean()).isFalse();
    assertThat(report.has("best")).isFalse();
    assertThat(report.get("mean").has("rmse")).isFalse();
    JsonNode summary = report.at("/mean/predicted/0");
    assertThat(summary.get("min").asDouble())
        .isLessThan(summary.get("mean").asDouble())
        .isLessThan(summary.get("max").asDouble());
    assertThat(summary.get("std").asDouble()).isPositive();
    assertThat(report.at("/selector/routed/0/rows").asInt()).isEqualTo(47);
  }

  @Test
  void voteIsForClassifiersAndTasksDoNotMix() {
    assertThatThrownBy(
            () -> run("{\"methods\": [\"vote\"]}", EnsembleFixtures.DIABETES_TEST, halves()))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "vote is for classifiers (a majority of predicted classes); regressors are combined"
                + " by mean or selector");
    assertThatThrownBy(
            () -> run("{\"publish\": \"vote\"}", EnsembleFixtures.DIABETES_TEST, halves()))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith("vote is for classifiers");
    assertThatThrownBy(
            () ->
                run(
                    "{}",
                    EnsembleFixtures.DIABETES_TEST,
                    List.of(EnsembleFixtures.diabetesSex(1), EnsembleFixtures.digitsHalf("low"))))
        .isInstanceOf(JobFailure.class)
        .hasMessage(
            "demo/digits-low@1 is a classifier, demo/diabetes-sex1@1 a regressor: reuse combines"
                + " learnwares of one task");
  }

  /** MAE, RMSE and R² within what float32 outputs allow of a float64 reference. */
  private static void expectClose(JsonNode measured, JsonNode reference) {
    assertThat(measured.get("mae").asDouble())
        .isCloseTo(reference.get("mae").asDouble(), within(1e-4));
    assertThat(measured.get("rmse").asDouble())
        .isCloseTo(reference.get("rmse").asDouble(), within(1e-4));
    assertThat(measured.get("r2").asDouble())
        .isCloseTo(reference.get("r2").asDouble(), within(1e-5));
  }
}
