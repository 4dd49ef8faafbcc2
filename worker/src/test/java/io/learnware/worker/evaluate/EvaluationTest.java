package io.learnware.worker.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.learnware.spec.SpecValidator;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.evaluate.EvaluationReport.ClassMetrics;
import io.learnware.worker.evaluate.EvaluationReport.Classification;
import io.learnware.worker.evaluate.EvaluationReport.Regression;
import io.learnware.worker.model.ModelException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The metrics on small hand-checked cases, without a model file. */
class EvaluationTest {

  /** A "model" that returns its input rows as outputs. */
  private static final Evaluation.Model IDENTITY =
      inputs -> {
        float[][] out = new float[inputs.rows()][];
        for (int i = 0; i < inputs.rows(); i++) {
          out[i] = new float[inputs.columns()];
          for (int j = 0; j < inputs.columns(); j++) {
            out[i][j] = (float) inputs.get(i, j);
          }
        }
        return out;
      };

  @Test
  void perClassFiguresFollowTheConfusionMatrix() throws ModelException {
    // Classes cat, dog, fox; rows' true classes and the logits' argmax:
    // cat→cat, cat→cat, dog→cat, dog→dog; fox has no rows and is never predicted.
    Matrix logits = Matrix.of(new double[][] {{2, 0, 0}, {1, 0, 0}, {0.5, 0.2, 0}, {0, 3, 0}});
    EvaluationReport report =
        Evaluation.builder()
            .setModel(IDENTITY)
            .setData(logits, new int[] {0, 0, 1, 1})
            .optLabels(List.of("cat", "dog", "fox"))
            .optBins(10)
            .build()
            .run();

    assertThat(report.task()).isEqualTo("classification");
    assertThat(report.regression()).isNull();
    Classification c = report.classification();
    assertThat(c.accuracy()).isEqualTo(0.75);
    assertThat(c.confusion()).containsExactly(List.of(2, 0, 0), List.of(1, 1, 0), List.of(0, 0, 0));
    assertThat(c.perClass()).hasSize(3);
    close(c.perClass().get(0), new ClassMetrics("cat", 2, 3, 2 / 3.0, 1.0, 0.8));
    close(c.perClass().get(1), new ClassMetrics("dog", 2, 1, 1.0, 0.5, 2 / 3.0));
    close(c.perClass().get(2), new ClassMetrics("fox", 0, 0, null, null, null));
    // Means over the two classes with rows.
    assertThat(c.macro().precision()).isCloseTo((2 / 3.0 + 1) / 2, within(1e-12));
    assertThat(c.macro().recall()).isEqualTo(0.75);
    assertThat(c.macro().f1()).isCloseTo((0.8 + 2 / 3.0) / 2, within(1e-12));
    assertThat(c.bins()).isEqualTo(10);
    assertThat(c.reliability().stream().mapToInt(b -> b.count()).sum()).isEqualTo(4);
    assertThat(c.ece()).isBetween(0.0, 1.0);

    // As JSON: undefined ratios are null, and the report follows its schema.
    var json = report.toJson();
    assertThat(json.at("/perClass/2").toString())
        .isEqualTo(
            "{\"label\":\"fox\",\"support\":0,\"predicted\":0,\"precision\":null,"
                + "\"recall\":null,\"f1\":null}");
    assertThat(json.has("classification")).isFalse();
    assertThat(json.has("mae")).isFalse();
    assertThat(new SpecValidator().validateEvaluateReport(json)).isEmpty();
  }

  @Test
  void aClassNeverPredictedHasNoPrecisionAndCountsAsZeroInTheMeans() {
    Classification c =
        Evaluation.classification(
            new float[][] {{1, 0}, {1, 0}}, new int[] {0, 1}, List.of("0", "1"), 15);
    close(c.perClass().get(0), new ClassMetrics("0", 1, 2, 0.5, 1.0, 2 / 3.0));
    close(c.perClass().get(1), new ClassMetrics("1", 1, 0, null, 0.0, null));
    assertThat(c.macro().precision()).isEqualTo(0.25);
    assertThat(c.macro().f1()).isCloseTo(1 / 3.0, within(1e-12));
    // Wrong in both directions: precision and recall 0, F1 0 (not undefined).
    Classification wrong =
        Evaluation.classification(
            new float[][] {{0, 1}, {1, 0}}, new int[] {0, 1}, List.of("0", "1"), 15);
    close(wrong.perClass().get(0), new ClassMetrics("0", 1, 1, 0.0, 0.0, 0.0));
  }

  private static void close(ClassMetrics actual, ClassMetrics expected) {
    assertThat(actual.label()).isEqualTo(expected.label());
    assertThat(actual.support()).isEqualTo(expected.support());
    assertThat(actual.predicted()).isEqualTo(expected.predicted());
    close(actual.precision(), expected.precision());
    close(actual.recall(), expected.recall());
    close(actual.f1(), expected.f1());
  }

  private static void close(Double actual, Double expected) {
    if (expected == null) {
      assertThat(actual).isNull();
    } else {
      assertThat(actual).isCloseTo(expected, within(1e-12));
    }
  }

  @Test
  void regressionMetricsAndType7Quantiles() throws ModelException {
    // Predictions 1..4 against targets 2, 2, 5, 4: residuals 1, 0, 2, 0.
    EvaluationReport report =
        Evaluation.builder()
            .setModel(IDENTITY)
            .setData(Matrix.of(new double[][] {{1}, {2}, {3}, {4}}), new double[] {2, 2, 5, 4})
            .optQuantiles(List.of(0.0, 0.25, 0.5, 0.9, 1.0))
            .build()
            .run();
    Regression r = report.regression();
    assertThat(r.mae()).isEqualTo(0.75);
    assertThat(r.rmse()).isCloseTo(Math.sqrt(5 / 4.0), within(1e-12));
    // Targets' mean 3.25, SS_tot = 1.5625 + 1.5625 + 3.0625 + 0.5625 = 6.75.
    assertThat(r.r2()).isCloseTo(1 - 5 / 6.75, within(1e-12));
    assertThat(r.meanResidual()).isEqualTo(0.75);
    // Sorted residuals 0, 0, 1, 2; numpy.quantile gives 0, 0, 0.5, 1.7, 2.
    double[] expected = {0, 0, 0.5, 1.7, 2};
    for (int i = 0; i < expected.length; i++) {
      assertThat(r.residualQuantiles().get(i).value()).isCloseTo(expected[i], within(1e-12));
    }

    // A constant target has no R², written as null.
    var constant =
        Evaluation.builder()
            .setModel(IDENTITY)
            .setData(Matrix.of(new double[][] {{1}, {2}}), new double[] {3, 3})
            .build()
            .run();
    assertThat(constant.regression().r2()).isNull();
    assertThat(constant.toJson().get("r2").isNull()).isTrue();
    assertThat(new SpecValidator().validateEvaluateReport(constant.toJson())).isEmpty();
  }

  @Test
  void theModelRunsInChunksThatTheListenerHears() throws ModelException {
    int n = Evaluation.CHUNK_ROWS * 2 + 5;
    double[][] rows = new double[n][];
    double[] targets = new double[n];
    for (int i = 0; i < n; i++) {
      rows[i] = new double[] {i};
      targets[i] = i;
    }
    List<Integer> heard = new ArrayList<>();
    List<Integer> calls = new ArrayList<>();
    Regression r =
        Evaluation.builder()
            .setModel(
                inputs -> {
                  calls.add(inputs.rows());
                  return IDENTITY.predict(inputs);
                })
            .setData(Matrix.of(rows), targets)
            .optListener((done, total) -> heard.add(done))
            .build()
            .run()
            .regression();
    assertThat(calls).containsExactly(Evaluation.CHUNK_ROWS, Evaluation.CHUNK_ROWS, 5);
    assertThat(heard).containsExactly(Evaluation.CHUNK_ROWS, 2 * Evaluation.CHUNK_ROWS, n);
    assertThat(r.mae()).isZero();
    assertThat(r.r2()).isEqualTo(1.0);
  }

  @Test
  void wrongOutputsAndSettingsAreRefused() {
    Matrix two = Matrix.of(new double[][] {{1, 2}, {3, 4}});
    assertThatThrownBy(
            () ->
                Evaluation.builder()
                    .setModel(IDENTITY)
                    .setData(two, new double[] {1, 2})
                    .build()
                    .run())
        .isInstanceOf(ModelException.class)
        .hasMessage("the model returns 2 outputs per row; a regressor is evaluated on one");
    assertThatThrownBy(
            () ->
                Evaluation.builder()
                    .setModel(IDENTITY)
                    .setData(two, new int[] {0, 1})
                    .optClasses(3)
                    .build()
                    .run())
        .isInstanceOf(ModelException.class)
        .hasMessage("the model returns 2 outputs per row; its specification declares 3 classes");
    assertThatThrownBy(
            () ->
                Evaluation.builder()
                    .setModel(IDENTITY)
                    .setData(Matrix.of(new double[][] {{Double.NaN}}), new double[] {1})
                    .build()
                    .run())
        .isInstanceOf(ModelException.class)
        .hasMessageStartingWith("the model returned NaN for data row 1");
    assertThatThrownBy(
            () ->
                Evaluation.builder()
                    .setModel(IDENTITY)
                    .setData(two, new int[] {0, 2})
                    .optClasses(2)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row 2 has class 2; there are 2 classes");
    assertThatThrownBy(() -> Evaluation.builder().setData(two, new int[] {0}).build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () -> Evaluation.builder().setModel(IDENTITY).setData(two, new int[] {0}).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("2 rows but 1 labels");
    assertThatThrownBy(() -> Evaluation.builder().optBins(0))
        .hasMessage("bins must be 1..1000, got 0");
    assertThatThrownBy(() -> Evaluation.builder().optQuantiles(List.of(-0.1)))
        .hasMessage("quantiles must be in [0, 1], got -0.1");
  }

  @Test
  void type7QuantilesAtTheEnds() {
    double[] one = {4};
    assertThat(Evaluation.quantile(one, 0)).isEqualTo(4);
    assertThat(Evaluation.quantile(one, 1)).isEqualTo(4);
    double[] sorted = {1, 2, 3, 4, 5};
    assertThat(Evaluation.quantile(sorted, 0.25)).isEqualTo(2);
    assertThat(Evaluation.quantile(sorted, 0.1)).isCloseTo(1.4, within(1e-12));
  }
}
