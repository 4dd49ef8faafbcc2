package io.learnware.worker.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.Fixtures;
import io.learnware.worker.Models;
import io.learnware.worker.model.CapabilityException;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.RunnableModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** FGSM and PGD on digits-mlp against the 360 digits test rows. */
class AttacksTest {

  /** Two test rows: float differences may flip rows at a decision boundary. */
  static final double TOLERANCE = 2.0 / 360;

  static final List<Double> EPSILONS = List.of(0.05, 0.1, 0.2);

  static RunnableModel model;
  static Attacks attacks;
  static Fixtures.Digits test;

  @BeforeAll
  static void load() throws Exception {
    model = torchScript(Fixtures.path("digits-mlp/model.pt"));
    attacks = Attacks.of(model, 100);
    test = Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, Fixtures.DIGITS_TRAIN_ROWS + 360);
  }

  @AfterAll
  static void close() {
    if (model != null) {
      model.close();
    }
  }

  static RunnableModel torchScript(Path file) throws ModelException {
    return Models.load(file, ModelFormat.TORCHSCRIPT, InputShape.table(64));
  }

  @Test
  void cleanAccuracyIs330Of360() throws Exception {
    assertThat(attacks.correct(test.pixels(), test.labels())).isEqualTo(330);
    assertThat(attacks.accuracy(test.pixels(), test.labels())).isCloseTo(0.9167, within(5e-5));
  }

  @Test
  void matchesPyTorchReference() throws Exception {
    JsonNode ref = Fixtures.json("digits-mlp/attacks.json");
    assertThat(ref.get("clean").get("correct").asInt()).isEqualTo(330);
    List<Attacks.Result> fgsm = attacks.fgsmAccuracy(test.pixels(), test.labels(), EPSILONS, 0, 1);
    List<Attacks.Result> pgd =
        attacks.pgdAccuracy(test.pixels(), test.labels(), EPSILONS, 10, 0.25, false, 0L, 0, 1);
    for (int i = 0; i < EPSILONS.size(); i++) {
      JsonNode f = ref.get("fgsm").get(i);
      JsonNode p = ref.get("pgd").get(i);
      assertThat(f.get("epsilon").asDouble()).isEqualTo(EPSILONS.get(i));
      assertThat(p.get("epsilon").asDouble()).isEqualTo(EPSILONS.get(i));
      System.out.printf(
          "eps %.2f: FGSM ours %d/360 PyTorch %d/360; PGD ours %d/360 PyTorch %d/360%n",
          EPSILONS.get(i),
          fgsm.get(i).correct(),
          f.get("correct").asInt(),
          pgd.get(i).correct(),
          p.get("correct").asInt());
      assertThat(fgsm.get(i).accuracy())
          .as("FGSM ε=%s", EPSILONS.get(i))
          .isCloseTo(f.get("correct").asInt() / 360.0, within(TOLERANCE + 1e-12));
      assertThat(pgd.get(i).accuracy())
          .as("PGD ε=%s", EPSILONS.get(i))
          .isCloseTo(p.get("correct").asInt() / 360.0, within(TOLERANCE + 1e-12));
    }
  }

  @Test
  void zeroEpsilonLeavesAccuracyUnchanged() throws Exception {
    Matrix fgsm = attacks.fgsm(test.pixels(), test.labels(), 0, 0, 1);
    Matrix pgd = attacks.pgd(test.pixels(), test.labels(), 0, 5, 0.01, true, 7L, 0, 1);
    assertThat(attacks.correct(fgsm, test.labels())).isEqualTo(330);
    assertThat(attacks.correct(pgd, test.labels())).isEqualTo(330);
  }

  @Test
  void perturbationsStayWithinEpsilonAndRange() throws Exception {
    double eps = 0.1;
    Matrix x = test.pixels();
    for (Matrix adv :
        List.of(
            attacks.fgsm(x, test.labels(), eps, 0, 1),
            attacks.pgd(x, test.labels(), eps, 10, 0.03, true, 1L, 0, 1),
            attacks.pgd(x, test.labels(), eps, 10, 0.03, false, 0L, 0, 1))) {
      double maxDiff = 0;
      for (int i = 0; i < x.data().length; i++) {
        double v = adv.data()[i];
        assertThat(v).isBetween(0.0, 1.0);
        maxDiff = Math.max(maxDiff, Math.abs(v - x.data()[i]));
      }
      // float32 arithmetic: ε plus a rounding error.
      assertThat(maxDiff).isLessThanOrEqualTo(eps + 1e-6).isGreaterThan(eps / 2);
    }
  }

  @Test
  void narrowerRangeIsRespected() throws Exception {
    Matrix adv = attacks.fgsm(test.pixels(), test.labels(), 0.2, 0.1, 0.9);
    for (double v : adv.data()) {
      assertThat(v).isBetween(0.1 - 1e-7, 0.9 + 1e-7);
    }
  }

  @Test
  void pgdWithRandomStartIsReproducibleForASeed() throws Exception {
    Matrix a = attacks.pgd(test.pixels(), test.labels(), 0.1, 5, 0.025, true, 42L, 0, 1);
    Matrix b = attacks.pgd(test.pixels(), test.labels(), 0.1, 5, 0.025, true, 42L, 0, 1);
    Matrix c = attacks.pgd(test.pixels(), test.labels(), 0.1, 5, 0.025, true, 43L, 0, 1);
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void accuracyDecreasesWithEpsilon() throws Exception {
    List<Double> eps = List.of(0.0, 0.05, 0.1, 0.2);
    List<Attacks.Result> fgsm = attacks.fgsmAccuracy(test.pixels(), test.labels(), eps, 0, 1);
    List<Attacks.Result> pgd =
        attacks.pgdAccuracy(test.pixels(), test.labels(), eps, 10, 0.25, true, 3L, 0, 1);
    for (int i = 1; i < eps.size(); i++) {
      assertThat(fgsm.get(i).correct()).isLessThan(fgsm.get(i - 1).correct());
      assertThat(pgd.get(i).correct()).isLessThan(pgd.get(i - 1).correct());
    }
    assertThat(fgsm.get(0).correct()).isEqualTo(330);
  }

  @Test
  void batchesFreeTheirArrays() throws Exception {
    attacks.correct(test.pixels(), test.labels());
    int before = attacks.liveArrays();
    attacks.pgd(test.pixels(), test.labels(), 0.1, 3, 0.03, true, 9L, 0, 1);
    attacks.fgsm(test.pixels(), test.labels(), 0.1, 0, 1);
    attacks.correct(test.pixels(), test.labels());
    assertThat(attacks.liveArrays()).isEqualTo(before);
  }

  @Test
  void refusesAModelWithoutGradients() throws Exception {
    try (RunnableModel onnx =
        Models.load(
            Fixtures.path("digits-mlp/model.onnx"), ModelFormat.ONNX, InputShape.table(64))) {
      assertThatThrownBy(() -> Attacks.of(onnx))
          .isInstanceOf(CapabilityException.class)
          .hasMessage("no gradients through an ONNX graph: ONNX Runtime runs inference only");
    }
  }

  @Test
  void rejectsMismatchedInput() {
    assertThatThrownBy(() -> attacks.fgsm(test.pixels(), new int[3], 0.1, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> attacks.fgsm(test.pixels(), test.labels(), -0.1, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void batchSizeDoesNotChangeTheResult() throws Exception {
    try (RunnableModel other = torchScript(Fixtures.path("digits-mlp/model.pt"))) {
      Attacks one = Attacks.of(other, 7);
      Matrix a = one.pgd(test.pixels(), test.labels(), 0.1, 3, 0.03, true, 5L, 0, 1);
      Matrix b = attacks.pgd(test.pixels(), test.labels(), 0.1, 3, 0.03, true, 5L, 0, 1);
      assertThat(a).isEqualTo(b);
    }
  }
}
