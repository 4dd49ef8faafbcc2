package io.learnware.worker.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.Fixtures;
import io.learnware.worker.Models;
import io.learnware.worker.job.Datasets;
import io.learnware.worker.job.RegressionMetrics;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.RunnableModel;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FGSM, PGD and Square Attack on the squared error of the diabetes regressor (TorchScript and its
 * ONNX export) against its 89 test rows, and against the PyTorch reference of
 * fixtures/make_regression_attack_reference.py.
 */
class RegressionAttacksTest {

  static final InputShape TABLE = InputShape.table(10);

  static RunnableModel torchScript;
  static RunnableModel onnx;
  static Matrix x;
  static double[] y;
  static double low;
  static double high;

  @BeforeAll
  static void load() throws Exception {
    torchScript =
        Models.load(
            Fixtures.path("diabetes-mlp/model.pt"), ModelFormat.TORCHSCRIPT, InputShape.table(10));
    onnx = Models.load(Fixtures.path("diabetes-mlp/model.onnx"), ModelFormat.ONNX, TABLE);
    Datasets.Targets test =
        Datasets.readTargets(
            Fixtures.path("data/diabetes-test.csv.gz"),
            Fixtures.spec("diabetes-mlp/spec.json"),
            10,
            "the model",
            (read, total) -> {});
    x = test.features();
    y = test.targets();
    low = Arrays.stream(x.data()).min().orElseThrow();
    high = Arrays.stream(x.data()).max().orElseThrow();
  }

  @AfterAll
  static void close() {
    for (RunnableModel model : new RunnableModel[] {torchScript, onnx}) {
      if (model != null) {
        model.close();
      }
    }
  }

  @Test
  void cleanErrorsAreTheReferencesInBothFormats() throws Exception {
    JsonNode expected = Fixtures.json("diabetes-mlp/expected.json").get("test");
    for (RunnableModel model : new RunnableModel[] {torchScript, onnx}) {
      RegressionMetrics clean = RegressionMetrics.of(model.predict(x), y);
      assertThat(clean.mae()).isCloseTo(expected.get("mae").asDouble(), within(1e-5));
      assertThat(clean.rmse()).isCloseTo(expected.get("rmse").asDouble(), within(1e-5));
      assertThat(clean.r2()).isCloseTo(expected.get("r2").asDouble(), within(1e-6));
    }
  }

  @Test
  void fgsmAndPgdMatchThePyTorchReference() throws Exception {
    JsonNode ref = Fixtures.json("diabetes-mlp/attacks.json");
    assertThat(ref.get("range").get(0).asDouble()).isCloseTo(low, within(1e-6));
    assertThat(ref.get("range").get(1).asDouble()).isCloseTo(high, within(1e-6));
    Attacks attacks = Attacks.of(torchScript);
    double clean = RegressionMetrics.of(torchScript.predict(x), y).rmse();
    for (int i = 0; i < ref.get("fgsm").size(); i++) {
      JsonNode f = ref.get("fgsm").get(i);
      JsonNode p = ref.get("pgd").get(i);
      double eps = f.get("epsilon").asDouble();
      RegressionMetrics fgsm =
          RegressionMetrics.of(torchScript.predict(attacks.fgsm(x, y, eps, low, high)), y);
      RegressionMetrics pgd =
          RegressionMetrics.of(
              torchScript.predict(attacks.pgd(x, y, eps, 10, eps / 4, false, 0, low, high)), y);
      System.out.printf(
          "diabetes ε %.2f: FGSM RMSE ours %.6f PyTorch %s; PGD ours %.6f PyTorch %s%n",
          eps, fgsm.rmse(), f.get("rmse"), pgd.rmse(), p.get("rmse"));
      // float32 as in PyTorch: the same signs, the same steps.
      for (String metric : new String[] {"mae", "rmse", "r2"}) {
        assertThat(value(fgsm, metric))
            .as("FGSM ε=%s %s", eps, metric)
            .isCloseTo(f.get(metric).asDouble(), within(1e-4));
        assertThat(value(pgd, metric))
            .as("PGD ε=%s %s", eps, metric)
            .isCloseTo(p.get(metric).asDouble(), within(1e-4));
      }
      assertThat(pgd.rmse()).isGreaterThanOrEqualTo(fgsm.rmse()).isGreaterThan(clean);
    }
  }

  @Test
  void attacksStayInTheBallAndTheRange() throws Exception {
    Attacks attacks = Attacks.of(torchScript);
    Matrix pgd = attacks.pgd(x, y, 0.1, 10, 0.025, true, 3, low, high);
    Matrix square =
        SquareAttack.builder()
            .setModel(onnx)
            .setEpsilon(0.1)
            .optQueries(50)
            .optRange(low, high)
            .build()
            .run(x, y)
            .adversarial();
    for (Matrix adv : new Matrix[] {pgd, square}) {
      for (int i = 0; i < x.data().length; i++) {
        // The bounds in float32, as the attacks compute.
        assertThat(adv.data()[i]).isBetween((double) (float) low, (double) (float) high);
        assertThat(Math.abs(adv.data()[i] - x.data()[i])).isLessThanOrEqualTo(0.1 + 1e-6);
      }
    }
  }

  @Test
  void squareAttackRaisesTheErrorAlikeInBothFormats() throws Exception {
    double clean = RegressionMetrics.of(onnx.predict(x), y).rmse();
    SquareAttack.RegressionResult onOnnx = square(onnx, 0.1, 0);
    SquareAttack.RegressionResult onTorchScript = square(torchScript, 0.1, 0);
    assertThat(onOnnx.queries()).isEqualTo(SquareAttack.DEFAULT_QUERIES);
    double rmse = RegressionMetrics.of(onnx.predict(onOnnx.adversarial()), y).rmse();
    // No gradients, and still within 0.1 of PGD's 61.732 (10 steps, PyTorch reference).
    assertThat(rmse).isGreaterThan(clean + 9).isCloseTo(61.7325, within(0.1));
    // The same search: the two formats' outputs agree to float32 rounding.
    assertThat(RegressionMetrics.of(torchScript.predict(onTorchScript.adversarial()), y).rmse())
        .isCloseTo(rmse, within(1e-3));
    // Deterministic for a seed, another seed another search.
    assertThat(square(onnx, 0.1, 0).adversarial()).isEqualTo(onOnnx.adversarial());
    assertThat(square(onnx, 0.1, 1).adversarial()).isNotEqualTo(onOnnx.adversarial());
  }

  @Test
  void theSquaredErrorNeedsOneOutput() throws Exception {
    try (RunnableModel digits =
        Models.load(
            Fixtures.path("digits-mlp/model.pt"), ModelFormat.TORCHSCRIPT, InputShape.table(64))) {
      Matrix rows = Fixtures.digits(0, 4).pixels();
      double[] targets = {1, 2, 3, 4};
      String message =
          "the squared error is a regressor's loss, of one output per row; this model has 10";
      assertThatThrownBy(() -> Attacks.of(digits).fgsm(rows, targets, 0.1, 0, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(message);
      assertThatThrownBy(
              () ->
                  SquareAttack.builder()
                      .setModel(digits)
                      .setEpsilon(0.1)
                      .build()
                      .run(rows, targets))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(message);
    }
  }

  private static SquareAttack.RegressionResult square(RunnableModel model, double eps, long seed)
      throws Exception {
    return SquareAttack.builder()
        .setModel(model)
        .setEpsilon(eps)
        .optSeed(seed)
        .optRange(low, high)
        .build()
        .run(x, y);
  }

  private static double value(RegressionMetrics metrics, String name) {
    return switch (name) {
      case "mae" -> metrics.mae();
      case "rmse" -> metrics.rmse();
      default -> metrics.r2();
    };
  }
}
