package io.learnware.worker.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.Task;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.Diabetes;
import io.learnware.worker.Fixtures;
import io.learnware.worker.Models;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.RunnableModel;
import io.learnware.worker.robustness.RobustnessReport.AttackRow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The robustness engine built directly, without a job: the figures RobustnessHandlerTest checks.
 */
class RobustnessTest {

  static final LearnwareSpec DIGITS = Fixtures.spec("digits-mlp/spec.json");
  static final Fixtures.Digits TEST =
      Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, Fixtures.DIGITS_TRAIN_ROWS + 360);

  /** The listener's calls: {@code done} of each progress, its message, and the checkpoints. */
  static final class Heard implements Robustness.Listener {
    final List<Double> done = new ArrayList<>();
    final List<String> messages = new ArrayList<>();
    int stages;
    int checkpoints;

    @Override
    public void progress(double done, int stages, String message) {
      this.done.add(done);
      this.messages.add(message);
      this.stages = stages;
    }

    @Override
    public void checkpoint() {
      checkpoints++;
    }
  }

  @Test
  void requiredSettingsAndBadValuesAreRefusedWithTheirReasons() {
    assertThatThrownBy(() -> Robustness.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("setSpec and setData are required");
    assertThatThrownBy(() -> Robustness.builder().setSpec(DIGITS).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("setSpec and setData are required");
    assertThatThrownBy(
            () -> Robustness.builder().setData(TEST.pixels(), TEST.labels()).optPgdSteps(0))
        .hasMessage("pgdSteps must be an integer 1..1000, got 0");
    assertThatThrownBy(() -> Robustness.builder().optNoise(List.of(0.1, -0.2)))
        .hasMessage("noise σ must be finite and ≥ 0, got -0.2");
    assertThatThrownBy(() -> Robustness.builder().optSquareQueries(20_000))
        .hasMessage("squareQueries must be an integer 1..10000, got 20000");
    assertThatThrownBy(() -> Robustness.builder().optSquareP(0))
        .hasMessage("squareP must be a number in (0, 1], got 0.0");
    assertThatThrownBy(() -> Robustness.builder().optSeverities(List.of(6)))
        .hasMessage("severity must be an integer 1..5, got 6");
    assertThatThrownBy(() -> Robustness.builder().optFooling(200, 1000))
        .hasMessage(
            "fooling needs at most 200000 model evaluations, population × (generations + 1);"
                + " 1000 × 201 is 201000");
    assertThatThrownBy(
            () ->
                Robustness.builder()
                    .setSpec(DIGITS)
                    .setData(TEST.pixels(), TEST.labels())
                    .optEpsilons(List.of(1.5))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon must be in [0, 1.0] (the input range is [0.0, 1.0]), got 1.5");
    assertThatThrownBy(() -> Robustness.builder().setData(Matrix.zeros(0, 64), new int[0]))
        .hasMessage("the data set has no rows");

    Diabetes.Rows rows = Diabetes.test();
    assertThatThrownBy(
            () ->
                Robustness.builder()
                    .setSpec(Diabetes.spec())
                    .setData(rows.x(), rows.y())
                    .optFooling(10, 10)
                    .build())
        .hasMessage(Robustness.FOOLING_IS_FOR_CLASSIFIERS);
    assertThatThrownBy(
            () -> Robustness.builder().setSpec(DIGITS).setData(rows.x(), rows.y()).build())
        .hasMessage("a classifier is measured against class labels, not numeric targets");
  }

  @Test
  void aClassifierMatchesThePyTorchReference() throws Exception {
    Heard heard = new Heard();
    RobustnessReport report;
    try (RunnableModel model =
        Models.load(
            Fixtures.path("digits-mlp/model.pt"), ModelFormat.TORCHSCRIPT, InputShape.table(64))) {
      report =
          Robustness.builder()
              .setSpec(DIGITS)
              .setData(TEST.pixels(), TEST.labels())
              .optEpsilons(List.of(0.05, 0.1, 0.2))
              .optNoise(List.of(0.05, 0.2, 0.5))
              .optListener(heard)
              .build()
              .run(model);
    }
    System.out.println("digits-mlp robustness, the engine alone: " + report.toJson());
    assertThat(report.task()).isEqualTo(Task.CLASSIFICATION);
    assertThat(report.data()).isEqualTo(new RobustnessReport.Data(null, 360));
    assertThat(report.clean().score().accuracy()).isCloseTo(0.9167, within(5e-5));
    // The diagram's bins hold every row, and their ECE is the one reported.
    assertThat(report.clean().reliability().stream().mapToInt(Calibration.Bin::count).sum())
        .isEqualTo(360);
    assertThat(report.clean().ece()).isBetween(0.0, 1.0);
    JsonNode ref = Fixtures.json("digits-mlp/attacks.json");
    for (int i = 0; i < 3; i++) {
      AttackRow fgsm = report.fgsm().get(i);
      AttackRow pgd = report.pgd().get(i);
      assertThat(fgsm.epsilon()).isEqualTo(ref.get("fgsm").get(i).get("epsilon").asDouble());
      assertThat(pgd.steps()).isEqualTo(10);
      // Within two rows of PyTorch (as AttacksTest: float rounding at decision boundaries).
      assertThat(fgsm.score().accuracy())
          .isCloseTo(
              ref.get("fgsm").get(i).get("correct").asInt() / 360.0,
              within(AttacksTest.TOLERANCE + 1e-12));
      assertThat(pgd.score().accuracy())
          .isCloseTo(
              ref.get("pgd").get(i).get("correct").asInt() / 360.0,
              within(AttacksTest.TOLERANCE + 1e-12));
    }
    assertThat(report.noise())
        .extracting(RobustnessReport.NoiseRow::sigma)
        .containsExactly(0.05, 0.2, 0.5);
    assertThat(report.blackBox()).isEmpty();
    assertThat(report.attacks())
        .extracting(RobustnessReport.AttackRun::ran)
        .containsExactly(true, true, false);
    assertThat(report.corruptions()).isEmpty();
    assertThat(report.fooling()).isNull();
    assertThat(report.skipped()).isEmpty();
    // Stages: clean, 3 σ, 3 FGSM, 3 PGD; a checkpoint after each.
    assertThat(heard.stages).isEqualTo(10);
    assertThat(heard.checkpoints).isEqualTo(10);
    assertThat(heard.done)
        .isSorted()
        .containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
    assertThat(heard.messages.getFirst()).isEqualTo("clean accuracy and calibration");
    assertThat(new SpecValidator().validateRobustnessReport(report.toJson())).isEmpty();
  }

  /** The engine on diabetes-mlp's 89 test rows, Square Attack next to FGSM and PGD. */
  static RobustnessReport diabetes(Robustness.Listener listener) throws Exception {
    Diabetes.Rows rows = Diabetes.test();
    try (RunnableModel model =
        Models.load(Diabetes.MODEL, ModelFormat.TORCHSCRIPT, Diabetes.SHAPE)) {
      return Robustness.builder()
          .setSpec(Diabetes.spec())
          .setData(rows.x(), rows.y())
          .optBlackBox(true)
          .optListener(listener)
          .build()
          .run(model);
    }
  }

  @Test
  void aRegressorMatchesThePyTorchReference() throws Exception {
    Heard heard = new Heard();
    RobustnessReport report = diabetes(heard);
    System.out.println("diabetes-mlp robustness, the engine alone: " + report.toJson());
    JsonNode expected = Diabetes.expected().get("test");
    JsonNode reference = Fixtures.json("diabetes-mlp/attacks.json");
    assertThat(report.task()).isEqualTo(Task.REGRESSION);
    assertThat(report.clean().score().error().mae())
        .isCloseTo(expected.get("mae").asDouble(), within(1e-4));
    assertThat(report.clean().score().error().rmse())
        .isCloseTo(expected.get("rmse").asDouble(), within(1e-4));
    assertThat(report.clean().score().error().r2())
        .isCloseTo(expected.get("r2").asDouble(), within(1e-4));
    assertThat(report.clean().ece()).isNull();
    assertThat(report.noise())
        .extracting(RobustnessReport.NoiseRow::sigma)
        .containsExactly(0.1, 0.25, 0.5);
    assertThat(report.noise()).extracting(RobustnessReport.NoiseRow::draws).containsOnly(10);
    for (int i = 0; i < 3; i++) {
      assertThat(report.fgsm().get(i).score().error().rmse())
          .isCloseTo(reference.get("fgsm").get(i).get("rmse").asDouble(), within(1e-3));
      assertThat(report.pgd().get(i).score().error().rmse())
          .isCloseTo(reference.get("pgd").get(i).get("rmse").asDouble(), within(1e-3));
      assertThat(report.blackBox().get(i).queries()).isEqualTo(300);
    }
    assertThat(report.skipped())
        .extracting(RobustnessReport.Skipped::name)
        .containsExactly("corruptions", "calibration", "fooling");
    assertThat(heard.messages)
        .contains("clean error", "PGD ε=0.2", "Square Attack ε=0.1: query 300 of 300 on 89 rows");
    assertThat(heard.done).isSorted().allMatch(done -> done <= heard.stages);
  }

  @Test
  void foolingSearchesTheNormalisedRangeAnImageSpecDeclares() throws Exception {
    ObjectNode spec = (ObjectNode) Fixtures.json("digits-cnn/spec.json");
    ((ObjectNode) spec.get("input"))
        .set(
            "normalization", SpecDocuments.mapper().readTree("{\"mean\": [0.5], \"std\": [0.25]}"));
    LearnwareSpec normalised = SpecDocuments.parse(spec);
    InputShape shape = InputShape.of(normalised);
    double[][] bounds = Robustness.bounds(normalised, shape, 0, 1);
    // (0 − 0.5)/0.25 and (1 − 0.5)/0.25 for every pixel of the one channel.
    assertThat(bounds[0]).hasSize(64).containsOnly(-2.0);
    assertThat(bounds[1]).hasSize(64).containsOnly(2.0);
    double[][] plain = Robustness.bounds(DIGITS, InputShape.table(64), 0, 1);
    assertThat(plain[0]).containsOnly(0.0);
    assertThat(plain[1]).containsOnly(1.0);
  }
}
