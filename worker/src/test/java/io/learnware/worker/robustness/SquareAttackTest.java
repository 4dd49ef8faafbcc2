package io.learnware.worker.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.learnware.spec.ModelFormat;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.Fixtures;
import io.learnware.worker.Models;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.RunnableModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Square Attack on the digits MLP (TorchScript and ONNX) against the 360 digits test rows. */
class SquareAttackTest {

  static RunnableModel mlp;
  static Fixtures.Digits test;

  @BeforeAll
  static void load() throws Exception {
    mlp = Models.load(Fixtures.path("digits-mlp/model.pt"), ModelFormat.TORCHSCRIPT, DIGITS);
    test = Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, Fixtures.DIGITS_TRAIN_ROWS + 360);
  }

  @AfterAll
  static void close() {
    if (mlp != null) {
      mlp.close();
    }
  }

  static final InputShape DIGITS = InputShape.table(64);

  static SquareAttack.Result attack(RunnableModel model, double eps, int queries, long seed)
      throws Exception {
    return SquareAttack.builder()
        .setModel(model)
        .setEpsilon(eps)
        .optQueries(queries)
        .optSeed(seed)
        .build()
        .run(test.pixels(), test.labels());
  }

  @Test
  void isDeterministicForASeed() throws Exception {
    SquareAttack.Result a = attack(mlp, 0.1, 50, 3);
    SquareAttack.Result b = attack(mlp, 0.1, 50, 3);
    SquareAttack.Result c = attack(mlp, 0.1, 50, 4);
    assertThat(a.adversarial()).isEqualTo(b.adversarial());
    assertThat(a.correct()).isEqualTo(b.correct());
    assertThat(a.meanQueries()).isEqualTo(b.meanQueries());
    assertThat(a.adversarial()).isNotEqualTo(c.adversarial());
  }

  @Test
  void comesWithinAPointOfPgdAtEpsilonOneTenth() throws Exception {
    double pgd =
        Attacks.of(mlp)
            .accuracy(
                Attacks.of(mlp).pgd(test.pixels(), test.labels(), 0.1, 10, 0.025, false, 0, 0, 1),
                test.labels());
    SquareAttack.Result square = attack(mlp, 0.1, SquareAttack.DEFAULT_QUERIES, 0);
    System.out.printf(
        "digits-mlp ε 0.1: PGD %.4f, Square Attack %.4f (%d/360, %.1f queries on average of %d)%n",
        pgd, square.accuracy(), square.correct(), square.meanQueries(), square.queries());
    // PGD: 141/360 as in the PyTorch reference (fixtures/digits-mlp/attacks.json).
    assertThat(pgd).isEqualTo(141 / 360.0);
    // Measured: 144/360 (0.4000), 161.0 queries on average.
    assertThat(square.correct()).isBetween(141 - 4, 141 + 11);
    assertThat(square.accuracy()).isLessThan(330 / 360.0 - 0.4);
    assertThat(square.queries()).isEqualTo(300);
    assertThat(square.meanQueries()).isGreaterThan(1).isLessThan(300);
  }

  @Test
  void moreQueriesFoolMoreRows() throws Exception {
    List<Integer> correct = new ArrayList<>();
    for (int queries : new int[] {1, 20, 100, 300}) {
      correct.add(attack(mlp, 0.1, queries, 0).correct());
    }
    System.out.println("correct after 1, 20, 100, 300 queries: " + correct);
    // One query is the random stripes start alone, about as good as the clean 330.
    assertThat(correct.getFirst()).isBetween(300, 340);
    assertThat(correct).isSortedAccordingTo((x, y) -> Integer.compare(y, x));
    assertThat(correct.getLast()).isLessThan(correct.getFirst() - 50);
  }

  @Test
  void staysWithinEpsilonAndTheRange() throws Exception {
    SquareAttack.Result result =
        SquareAttack.builder()
            .setModel(mlp)
            .setEpsilon(0.2)
            .optQueries(30)
            .optRange(0.1, 0.9)
            .build()
            .run(test.pixels(), test.labels());
    Matrix x = test.pixels();
    double maxDiff = 0;
    for (int i = 0; i < x.data().length; i++) {
      double v = result.adversarial().data()[i];
      assertThat(v).isBetween(0.1 - 1e-7, 0.9 + 1e-7);
      double clipped = Math.min(0.9, Math.max(0.1, x.data()[i]));
      maxDiff = Math.max(maxDiff, Math.abs(v - clipped));
    }
    assertThat(maxDiff).isLessThanOrEqualTo(0.2 + 1e-6);
    // ε 0: nothing moves, nothing is fooled.
    SquareAttack.Result none = attack(mlp, 0, 5, 0);
    assertThat(none.adversarial()).isEqualTo(new Matrix(360, 64, toFloatPrecision(x.data())));
    assertThat(none.correct()).isEqualTo(330);
    // ... and the search stops at its first query instead of redrawing empty windows.
    assertThat(none.meanQueries()).isEqualTo(1.0);
  }

  @Test
  void attacksAnOnnxGraphAsItsTorchScriptTwin() throws Exception {
    try (RunnableModel onnx =
        Models.load(Fixtures.path("digits-mlp/model.onnx"), ModelFormat.ONNX, DIGITS)) {
      SquareAttack.Result graph = attack(onnx, 0.1, 100, 0);
      SquareAttack.Result script = attack(mlp, 0.1, 100, 0);
      // The same logits to 1e-4: the same proposals are kept, up to near-ties.
      assertThat(Math.abs(graph.correct() - script.correct())).isLessThanOrEqualTo(2);
    }
  }

  @Test
  void squaresOnImages() throws Exception {
    try (RunnableModel cnn =
        Models.load(
            Fixtures.path("digits-cnn/model.pt"),
            ModelFormat.TORCHSCRIPT,
            InputShape.image(1, 8, 8))) {
      SquareAttack.Result result = attack(cnn, 0.1, 300, 0);
      System.out.printf("digits-cnn ε 0.1: Square Attack %.4f%n", result.accuracy());
      // Measured 0.4972 (PGD: 0.508, docs/robustness.md).
      assertThat(result.accuracy()).isBetween(0.45, 0.55);
    }
  }

  @Test
  void refusesBadSettings() {
    assertThatThrownBy(() -> SquareAttack.builder().optQueries(0))
        .hasMessage("squareQueries must be an integer 1..10000, got 0");
    assertThatThrownBy(() -> SquareAttack.builder().optP(1.5))
        .hasMessage("squareP must be a number in (0, 1], got 1.5");
    assertThatThrownBy(() -> SquareAttack.builder().setEpsilon(-0.1))
        .hasMessage("epsilon must be finite and ≥ 0, got -0.1");
    assertThatThrownBy(() -> SquareAttack.builder().setEpsilon(0.1).build())
        .hasMessage("setModel and setEpsilon are required");
  }

  private static double[] toFloatPrecision(double[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }
}
