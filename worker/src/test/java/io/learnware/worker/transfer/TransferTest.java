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
              .build()
              .run();
    }
    TransferReport report = result.report();
    assertThat(report.trainRows()).isEqualTo(500);
    assertThat(report.validationRows()).isEqualTo(500);
    assertThat(report.trainableParameters()).isEqualTo(785L * 5);
    // 100 labelled images per class to train on, 100 to validate on (docs/transfer.md).
    assertThat(report.accuracy()).isGreaterThan(report.baselineAccuracy());
    assertThat(report.gain()).isEqualTo(report.accuracy() - report.baselineAccuracy());
    assertThat(report.history().get(report.bestEpoch() - 1).validationAccuracy())
        .isEqualTo(report.accuracy());
    assertThat(report.baselineHistory().get(report.baselineBestEpoch() - 1).validationAccuracy())
        .isEqualTo(report.baselineAccuracy());
    assertThat(result.architecture().toString())
        .isEqualTo(
            "{\"type\":\"transfer\",\"backbone\":{\"type\":\"torchscript\",\"dimension\":784},"
                + "\"head\":{\"hidden\":0}}");

    // The saved model is one file; reloaded, it classifies the 4,375 images nobody trained on.
    FashionTransfer.Task heldOut = split[1];
    try (TransferredModel model =
        TransferredModel.load(
            result.artifact(), result.architecture(), FashionTransfer.IMAGE, 5, Device.cpu())) {
      assertThat(model.parameterCount()).hasValue(1248 + 785L * 5);
      double accuracy =
          FashionTransfer.accuracy(
              model.predict(heldOut.x().toFloatArray(), heldOut.labels().length), heldOut.labels());
      assertThat(accuracy).isGreaterThan(0.9);
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
