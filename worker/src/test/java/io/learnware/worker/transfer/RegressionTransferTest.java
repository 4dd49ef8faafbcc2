package io.learnware.worker.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.Task;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.Diabetes;
import io.learnware.worker.job.RegressionMetrics;
import io.learnware.worker.model.TorchScriptBackbone;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfer to a regression task on the diabetes fixtures: a head with one output on the 32 hidden
 * features of {@code diabetes-mlp/features.pt}, against {@code expected.json}'s {@code transfer}
 * (scikit-learn's {@code RidgeCV} on the same features and on the raw inputs, fitted on the 353
 * training rows and measured on the 89 test rows).
 */
class RegressionTransferTest {

  private static final JsonNode REFERENCE = Diabetes.expected().get("transfer");

  /** The goal: the test R² within this of scikit-learn's. */
  private static final double R2_TOLERANCE = 0.005;

  private static TorchScriptBackbone backbone;
  private static Diabetes.Rows train;
  private static Diabetes.Rows test;

  @TempDir Path dir;

  @BeforeAll
  static void load() throws Exception {
    backbone = TorchScriptBackbone.load(Diabetes.FEATURES, Diabetes.SHAPE, 32, Device.cpu());
    train = Diabetes.train();
    test = Diabetes.test();
  }

  @AfterAll
  static void close() {
    backbone.close();
  }

  private Transfer.Builder builder() {
    return Transfer.builder()
        .setBackbone(backbone)
        .setData(train.x(), train.y(), "progression")
        .setOutputDirectory(dir);
  }

  /** The saved model's predictions on the test rows, loaded as the market loads it. */
  private static float[] testPredictions(TransferResult result) throws Exception {
    try (TransferredModel model =
        TransferredModel.load(
            result.artifact(), result.architecture(), Diabetes.SHAPE, 1, Device.cpu())) {
      return model.predict(test.floats(), test.size());
    }
  }

  /** The path's cross-validated errors against scikit-learn's, α by α. */
  private static void samePath(TransferReport.Ridge ridge, JsonNode reference) {
    assertThat(ridge.path()).hasSize(reference.get("path").size());
    for (int a = 0; a < ridge.path().size(); a++) {
      JsonNode point = reference.get("path").get(a);
      assertThat(ridge.path().get(a).alpha()).isEqualTo(point.get("alpha").asDouble());
      assertThat(ridge.path().get(a).cvMse())
          .as("cvMse at α %s", point.get("alpha"))
          .isCloseTo(point.get("cvMse").asDouble(), within(1e-3));
    }
    assertThat(ridge.alpha()).isEqualTo(reference.get("alpha").asDouble());
  }

  @Test
  void theRidgeHeadOnTheBackbonesFeaturesMatchesScikitLearn() throws Exception {
    TransferResult result = builder().build().run();
    TransferReport report = result.report();
    assertThat(report.task()).isEqualTo(Task.REGRESSION);
    assertThat(report.solver()).isEqualTo(TransferReport.RIDGE);
    assertThat(report.validation()).isEqualTo("5-fold cross-validation");
    assertThat(report.target()).isEqualTo("progression");
    assertThat(report.classes()).isNull();
    assertThat(report.accuracy()).isNull();
    assertThat(report.trainRows()).isEqualTo(Diabetes.TRAIN_ROWS);
    assertThat(report.featureDimension()).isEqualTo(32);
    assertThat(report.trainableParameters()).isEqualTo(33);
    samePath(report.ridge(), REFERENCE.get("features"));
    samePath(report.baselineRidge(), REFERENCE.get("raw"));
    // The out-of-fold predictions at the chosen α pool the folds the CV error averages.
    assertThat(report.rmse() * report.rmse())
        .isCloseTo(REFERENCE.at("/features/path/7/cvMse").asDouble(), within(30.0));
    assertThat(report.gain()).isEqualTo(report.r2() - report.baselineR2());

    RegressionMetrics ours = RegressionMetrics.of(testPredictions(result), test.y(), 1);
    // The baseline is not saved: solve it again the same way and predict the test rows.
    RidgeRegression.Solution raw =
        new RidgeRegression(train.floats(), Diabetes.INPUTS, train.y()).solve();
    assertThat(raw.alpha()).isEqualTo(report.baselineRidge().alpha());
    RegressionMetrics oursRaw = RegressionMetrics.of(predict(raw, test.x()), test.y(), 1);
    System.out.printf(
        "diabetes ridge transfer: features α %s, test R² %.6f RMSE %.4f (scikit-learn α %s, R²"
            + " %.6f RMSE %.4f); raw α %s, test R² %.6f RMSE %.4f (scikit-learn α %s, R² %.6f);"
            + " cross-validated R² %.4f against %.4f%n",
        RidgeRegression.plain(report.ridge().alpha()),
        ours.r2(),
        ours.rmse(),
        REFERENCE.at("/features/alpha").asText(),
        REFERENCE.at("/features/testR2").asDouble(),
        REFERENCE.at("/features/testRmse").asDouble(),
        RidgeRegression.plain(report.baselineRidge().alpha()),
        oursRaw.r2(),
        oursRaw.rmse(),
        REFERENCE.at("/raw/alpha").asText(),
        REFERENCE.at("/raw/testR2").asDouble(),
        report.r2(),
        report.baselineR2());
    assertThat(ours.r2())
        .isCloseTo(REFERENCE.at("/features/testR2").asDouble(), within(R2_TOLERANCE));
    assertThat(ours.rmse()).isCloseTo(REFERENCE.at("/features/testRmse").asDouble(), within(0.05));
    assertThat(ours.mae()).isCloseTo(REFERENCE.at("/features/testMae").asDouble(), within(0.05));
    assertThat(oursRaw.r2())
        .isCloseTo(REFERENCE.at("/raw/testR2").asDouble(), within(R2_TOLERANCE));
  }

  /** {@code w·x + b} per row. */
  private static float[] predict(RidgeRegression.Solution solution, Matrix x) {
    float[] out = new float[x.rows()];
    for (int row = 0; row < x.rows(); row++) {
      double sum = solution.bias();
      for (int j = 0; j < x.columns(); j++) {
        sum += solution.weights()[j] * x.get(row, j);
      }
      out[row] = (float) sum;
    }
    return out;
  }

  @Test
  void contiguousFoldsAsScikitLearnsKFold() {
    // 353 rows: the first three folds hold 71, the last two 70.
    assertThat(RidgeRegression.folds(353))
        .isDeepEqualTo(new int[][] {{0, 71}, {71, 142}, {142, 213}, {213, 283}, {283, 353}});
    assertThat(RidgeRegression.ALPHAS)
        .containsExactly(
            0.001,
            0.00316228,
            0.01,
            0.0316228,
            0.1,
            0.316228,
            1.0,
            3.16228,
            10.0,
            31.6228,
            100.0,
            316.228,
            1000.0);
  }

  @Test
  void trainedHeadsFitTheTargetsBySquaredError() throws Exception {
    for (boolean freeze : new boolean[] {true, false}) {
      TransferResult result =
          builder()
              .optHead(new HeadSpec(freeze ? 16 : 0))
              .optFreezeBackbone(freeze)
              .optEpochs(100)
              .optPatience(20)
              .optSeed(3)
              .setOutputDirectory(dir.resolve("frozen-" + freeze))
              .build()
              .run();
      TransferReport report = result.report();
      assertThat(report.solver()).isEqualTo(TransferReport.ADAM);
      assertThat(report.validation()).isEqualTo("hold-out");
      assertThat(report.validationRows()).isEqualTo(71);
      assertThat(report.history().getFirst().validationAccuracy()).isNull();
      assertThat(report.history().getFirst().validationMse()).isPositive();
      // The report's figures are the saved model's on the held-out rows: the standardisation it
      // trained with is folded into its last layer.
      int[] heldOut = Transfer.randomSplit(train.size(), 0.2, 3)[1];
      float[] rows = new float[heldOut.length * Diabetes.INPUTS];
      double[] targets = new double[heldOut.length];
      float[] x = train.floats();
      for (int i = 0; i < heldOut.length; i++) {
        System.arraycopy(
            x, heldOut[i] * Diabetes.INPUTS, rows, i * Diabetes.INPUTS, Diabetes.INPUTS);
        targets[i] = train.y()[heldOut[i]];
      }
      try (TransferredModel model =
          TransferredModel.load(
              result.artifact(), result.architecture(), Diabetes.SHAPE, 1, Device.cpu())) {
        RegressionMetrics saved =
            RegressionMetrics.of(model.predict(rows, heldOut.length), targets, 1);
        assertThat(saved.rmse()).isCloseTo(report.rmse(), within(1e-3));
        assertThat(saved.r2()).isCloseTo(report.r2(), within(1e-5));
        assertThat(report.history().get(report.bestEpoch() - 1).validationMse())
            .isCloseTo(report.rmse() * report.rmse(), within(0.5));
      }
      RegressionMetrics onTest = RegressionMetrics.of(testPredictions(result), test.y(), 1);
      System.out.printf(
          "diabetes %s: held-out R² %.4f (raw inputs %.4f), best epoch %d; test R² %.4f RMSE %.3f%n",
          report.head() + (freeze ? ", frozen" : ", fine-tuned"),
          report.r2(),
          report.baselineR2(),
          report.bestEpoch(),
          onTest.r2(),
          onTest.rmse());
      assertThat(onTest.r2()).isGreaterThan(0.45);
    }
  }

  @Test
  void regressionDataThatCannotBeFittedFailsWithReasons() {
    Matrix few = new Matrix(9, Diabetes.INPUTS, Arrays.copyOf(train.x().data(), 90));
    assertThatThrownBy(
            () ->
                Transfer.builder()
                    .setBackbone(backbone)
                    .setData(few, Arrays.copyOf(train.y(), 9), "progression")
                    .setOutputDirectory(dir)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a regression head needs at least 10 rows (5-fold cross-validation); the data set has"
                + " 9");
    double[] constant = new double[train.size()];
    Arrays.fill(constant, 7);
    assertThatThrownBy(
            () ->
                Transfer.builder()
                    .setBackbone(backbone)
                    .setData(train.x(), constant, "progression")
                    .setOutputDirectory(dir)
                    .build())
        .hasMessage(
            "every target in the data set is 7.0; a regression head needs targets that vary");
  }
}
