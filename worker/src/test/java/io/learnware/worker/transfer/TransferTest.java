package io.learnware.worker.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.Fixtures;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.TorchScriptBackbone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Head replacement on real data, through the builder, and the model it saves. */
class TransferTest {

  @TempDir Path dir;

  @Test
  void theFeatureExtractorGivesPyTorchsFeatures() throws Exception {
    JsonNode expected = Fixtures.json("fashion-cnn/expected.json");
    FashionTransfer.Task first = FashionTransfer.split(0)[1];
    Matrix images = io.learnware.spec.rkme.RealData.fashionTest().rows(new int[] {0, 1}).x();
    try (TorchScriptBackbone backbone =
        TorchScriptBackbone.load(
            FashionTransfer.extractor(),
            FashionTransfer.IMAGE,
            FashionTransfer.FEATURES,
            Device.cpu())) {
      float[] features = backbone.features(images.toFloatArray(), 2);
      for (int row = 0; row < 2; row++) {
        JsonNode reference = expected.get("first").get(row);
        double sum = 0;
        for (int j = 0; j < FashionTransfer.FEATURES; j++) {
          sum += features[row * FashionTransfer.FEATURES + j];
        }
        assertThat(sum).isCloseTo(reference.get("featureSum").asDouble(), within(1e-2));
        for (int j = 0; j < 16; j++) {
          assertThat((double) features[row * FashionTransfer.FEATURES + j])
              .isCloseTo(reference.get("features").get(j).asDouble(), within(1e-4));
        }
      }
    }
    assertThat(first.labels()).hasSize(5000);
  }

  @Test
  void aFrozenBackboneBeatsTheSameHeadOnRawPixelsForClassesItNeverSaw() throws Exception {
    FashionTransfer.Task[] split = FashionTransfer.split(200);
    TransferResult result;
    List<String> steps = new ArrayList<>();
    try (TorchScriptBackbone backbone =
        TorchScriptBackbone.load(
            FashionTransfer.extractor(),
            FashionTransfer.IMAGE,
            FashionTransfer.FEATURES,
            Device.cpu())) {
      result =
          Transfer.builder()
              .setBackbone(backbone)
              .setData(split[0].x(), split[0].labels(), FashionTransfer.NEW_NAMES)
              .setOutputDirectory(dir.resolve("frozen"))
              .optValidationSplit(0.5)
              .optSeed(7)
              .optListener(
                  (phase, done, step) -> {
                    assertThat(done).isBetween(0.0, 1.0);
                    if (steps.isEmpty() || !steps.getLast().equals(step)) {
                      steps.add(step);
                    }
                  })
              .build()
              .run();
    }
    TransferReport report = result.report();
    // A linear head on a frozen backbone is solved; with 1,000 rows, its penalty is chosen by
    // 5-fold cross-validation (the validation split is not used) and it is refitted on all rows.
    assertThat(report.solver()).isEqualTo(TransferReport.LBFGS);
    assertThat(report.validation()).isEqualTo("5-fold cross-validation");
    assertThat(report.trainRows()).isEqualTo(1000);
    assertThat(report.validationRows()).isEqualTo(1000);
    assertThat(report.trainableParameters()).isEqualTo(785L * 5);
    assertThat(report.learningRate()).isNull();
    assertThat(report.history()).isNull();
    assertThat(report.bestEpoch()).isNull();
    assertThat(report.accuracy()).isGreaterThan(report.baselineAccuracy());
    assertThat(report.gain()).isEqualTo(report.accuracy() - report.baselineAccuracy());
    for (TransferReport.Solve solve : List.of(report.solve(), report.baselineSolve())) {
      assertThat(solve.path()).hasSizeBetween(3, 9);
      assertThat(solve.path().getFirst().penalty()).isEqualTo(1e4);
      assertThat(solve.fits()).isEqualTo(5 * solve.path().size() + 1);
      assertThat(solve.converged()).isTrue();
      assertThat(solve.gradientNorm()).isLessThan(1e-6);
      // The chosen penalty is the first (strongest) with the best cross-validated accuracy.
      double best =
          solve.path().stream()
              .mapToDouble(TransferReport.PathPoint::validationAccuracy)
              .max()
              .orElseThrow();
      TransferReport.PathPoint chosen =
          solve.path().stream()
              .filter(p -> p.validationAccuracy() >= best - 1e-9)
              .findFirst()
              .orElseThrow();
      assertThat(solve.penalty()).isEqualTo(chosen.penalty());
    }
    assertThat(report.solve().path().stream().filter(p -> p.penalty() == report.solve().penalty()))
        .singleElement()
        .extracting(TransferReport.PathPoint::validationAccuracy)
        .isEqualTo(report.accuracy());
    assertThat(steps)
        .startsWith(
            "computing the backbone's features",
            "solving the new head (L-BFGS): penalty 1/9 (λ 10000), fold 1/5",
            "solving the new head (L-BFGS): penalty 1/9 (λ 10000), fold 2/5")
        .contains(
            "solving the new head (L-BFGS): refit on all rows (λ %s)"
                .formatted(SoftmaxRegression.plain(report.solve().penalty())),
            "solving the baseline head on raw inputs (L-BFGS): penalty %d/9 (λ %s), fold 5/5"
                .formatted(
                    report.baselineSolve().path().size(),
                    SoftmaxRegression.plain(report.baselineSolve().path().getLast().penalty())));
    assertThat(result.architecture().toString())
        .isEqualTo(
            "{\"type\":\"transfer\",\"backbone\":{\"type\":\"torchscript\",\"dimension\":784},"
                + "\"head\":{\"hidden\":0}}");

    // The saved model is one file; reloaded, it classifies the 4,000 images nobody trained on.
    FashionTransfer.Task heldOut = split[1];
    try (TransferredModel model =
        TransferredModel.load(
            result.artifact(), result.architecture(), FashionTransfer.IMAGE, 5, Device.cpu())) {
      assertThat(model.parameterCount()).hasValue(1248 + 785L * 5);
      double accuracy =
          FashionTransfer.accuracy(
              model.predict(heldOut.x().toFloatArray(), heldOut.labels().length), heldOut.labels());
      assertThat(accuracy).isGreaterThan(0.93);
    }
  }

  @Test
  void aHeadTrainedByGradientStepsHoldsOutValidationRowsAndKeepsItsBestEpoch() throws Exception {
    FashionTransfer.Task[] split = FashionTransfer.split(40);
    try (TorchScriptBackbone backbone =
        TorchScriptBackbone.load(
            FashionTransfer.extractor(),
            FashionTransfer.IMAGE,
            FashionTransfer.FEATURES,
            Device.cpu())) {
      TransferReport report =
          Transfer.builder()
              .setBackbone(backbone)
              .setData(split[0].x(), split[0].labels(), FashionTransfer.NEW_NAMES)
              .setOutputDirectory(dir.resolve("hidden"))
              .optHead(new HeadSpec(16))
              .optValidationSplit(0.5)
              .optEpochs(10)
              .optSeed(7)
              .build()
              .run()
              .report();
      assertThat(report.solver()).isEqualTo(TransferReport.ADAM);
      assertThat(report.validation()).isEqualTo("hold-out");
      assertThat(report.solve()).isNull();
      assertThat(report.trainRows()).isEqualTo(100);
      assertThat(report.validationRows()).isEqualTo(100);
      assertThat(report.history().get(report.bestEpoch() - 1).validationAccuracy())
          .isEqualTo(report.accuracy());
      assertThat(report.baselineHistory().get(report.baselineBestEpoch() - 1).validationAccuracy())
          .isEqualTo(report.baselineAccuracy());
    }
  }

  @Test
  void manyRowsChooseThePenaltyOnAHoldOutAndRefitOnAllRows() throws Exception {
    // 2,000 digits rows (the 1,797, then the first 203 again): from 2,000 rows on, a hold-out.
    Fixtures.Digits all = Fixtures.digits(0, 1797);
    int n = 2000;
    double[] x = new double[n * 64];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(all.pixels().data(), (i % 1797) * 64, x, i * 64, 64);
      labels[i] = all.labels()[i % 1797];
    }
    try (TorchScriptBackbone backbone =
        TorchScriptBackbone.load(
            Fixtures.path("digits-mlp/features.pt"), InputShape.table(64), 32, Device.cpu())) {
      TransferReport report =
          Transfer.builder()
              .setBackbone(backbone)
              .setData(
                  new Matrix(n, 64, x),
                  labels,
                  List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))
              .setOutputDirectory(dir.resolve("many"))
              .build()
              .run()
              .report();
      assertThat(report.solver()).isEqualTo(TransferReport.LBFGS);
      assertThat(report.validation()).isEqualTo("hold-out");
      assertThat(report.trainRows()).isEqualTo(n);
      assertThat(report.validationRows()).isBetween(395, 405);
      assertThat(report.solve().fits()).isEqualTo(report.solve().path().size() + 1);
      assertThat(report.solve().converged()).isTrue();
      assertThat(report.accuracy()).isGreaterThan(0.95);
    }
  }

  @Test
  void fineTuningTrainsTheBackboneToo() throws Exception {
    FashionTransfer.Task[] split = FashionTransfer.split(40);
    try (TorchScriptBackbone backbone =
        TorchScriptBackbone.load(
            FashionTransfer.extractor(),
            FashionTransfer.IMAGE,
            FashionTransfer.FEATURES,
            Device.cpu())) {
      TransferResult result =
          Transfer.builder()
              .setBackbone(backbone)
              .setData(split[0].x(), split[0].labels(), FashionTransfer.NEW_NAMES)
              .setOutputDirectory(dir.resolve("tuned"))
              .optFreezeBackbone(false)
              .optHead(new HeadSpec(16))
              .optEpochs(8)
              .optSeed(3)
              .build()
              .run();
      TransferReport report = result.report();
      assertThat(report.freezeBackbone()).isFalse();
      assertThat(report.backboneLearningRate()).isEqualTo(1e-3);
      assertThat(report.trainableParameters()).isEqualTo(1248 + 785L * 16 + 17 * 5);
      assertThat(report.accuracy()).isGreaterThan(0.6);
      try (TransferredModel model =
          TransferredModel.load(
              result.artifact(), result.architecture(), FashionTransfer.IMAGE, 5, Device.cpu())) {
        assertThat(model.parameterCount()).hasValue(report.trainableParameters());
      }
    }
  }

  @Test
  void theSplitIsStratifiedAndSeeded() {
    int[] labels = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2};
    int[][] split = Transfer.split(labels, 3, 0.2, 5);
    assertThat(split[1]).hasSize(3);
    assertThat(java.util.Arrays.stream(split[1]).map(i -> labels[i]).sorted().toArray())
        .containsExactly(0, 1, 2);
    assertThat(split[0]).hasSize(9);
    assertThat(Transfer.split(labels, 3, 0.2, 5)[1]).containsExactly(split[1]);
  }

  @Test
  void badSettingsAreRefusedWithReasons() throws Exception {
    FashionTransfer.Task data = FashionTransfer.split(3)[0];
    try (TorchScriptBackbone backbone =
        TorchScriptBackbone.load(
            FashionTransfer.extractor(),
            FashionTransfer.IMAGE,
            FashionTransfer.FEATURES,
            Device.cpu())) {
      Transfer.Builder builder =
          Transfer.builder()
              .setBackbone(backbone)
              .setData(data.x(), data.labels(), FashionTransfer.NEW_NAMES)
              .setOutputDirectory(dir);
      assertThatThrownBy(() -> builder.optEpochs(0).build())
          .hasMessage("epochs must be 1..1000, got 0");
      builder.optEpochs(5);
      assertThatThrownBy(() -> builder.optValidationSplit(1).build())
          .hasMessage("validationSplit must be between 0 and 1 (exclusive), got 1.0");
      builder.optValidationSplit(0.2);
      assertThatThrownBy(
              () ->
                  Transfer.builder()
                      .setBackbone(backbone)
                      .setData(
                          new Matrix(2, 784, new double[2 * 784]),
                          new int[] {0, 1},
                          List.of("a", "b"))
                      .setOutputDirectory(dir)
                      .build())
          .hasMessage(
              "class \"a\" has 1 row; each class needs at least two (one to train on, one to"
                  + " validate)");
      assertThatThrownBy(
              () ->
                  Transfer.builder()
                      .setBackbone(backbone)
                      .setData(new Matrix(4, 64, new double[256]), new int[4], List.of("a", "b"))
                      .setOutputDirectory(dir)
                      .build())
          .hasMessage(
              "the data set has 64 inputs per sample; the source takes 784 ([n, 1, 28, 28])");
    }
  }

  @Test
  void anExtractorOfAnotherShapeOrNoTorchScriptIsRefused() throws Exception {
    assertThatThrownBy(
            () ->
                TorchScriptBackbone.load(
                    FashionTransfer.extractor(), FashionTransfer.IMAGE, 64, Device.cpu()))
        .isInstanceOf(ModelException.class)
        .hasMessage(
            "the feature extractor returns 784 features per sample; the specification declares 64");
    Path text = Fixtures.path("not-torchscript.pt");
    assertThatThrownBy(
            () -> TorchScriptBackbone.load(text, FashionTransfer.IMAGE, 784, Device.cpu()))
        .isInstanceOf(ModelException.class)
        .hasMessageStartingWith("the feature extractor does not load as TorchScript");
    assertThatThrownBy(
            () ->
                TorchScriptBackbone.load(
                    FashionTransfer.extractor(), InputShape.table(64), 784, Device.cpu()))
        .isInstanceOf(ModelException.class)
        .hasMessageStartingWith("the feature extractor does not run on [n, 64]");
    Path artifact = Files.writeString(dir.resolve("x.params"), "not djl");
    assertThatThrownBy(
            () ->
                TransferredModel.load(
                    artifact,
                    Fixtures.json("fashion-cnn/spec.json"),
                    FashionTransfer.IMAGE,
                    5,
                    Device.cpu()))
        .isInstanceOf(MalformedModelException.class)
        .hasMessage("model.architecture is not of type transfer");
  }
}
