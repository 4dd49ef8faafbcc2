package io.learnware.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.Fixtures;
import io.learnware.worker.Fixtures.Digits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadedModelTest {

  private static final Path MLP = Fixtures.path("digits-mlp/model.pt");

  @Test
  void digitsMlpReproducesPyTorchLogitsAndTestAccuracy() throws Exception {
    JsonNode expected = Fixtures.json("digits-mlp/expected.json");
    LearnwareSpec spec = Fixtures.spec("digits-mlp/spec.json");
    Digits test = Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, 1797);
    try (LoadedModel model = LoadedModel.load(MLP, spec, Device.cpu())) {
      assertThat(model.device()).isEqualTo(Device.cpu());
      assertThat(model.inputShape()).isEqualTo(InputShape.table(64));
      assertThat(model.parameterCount())
          .isEqualTo(2410)
          .isEqualTo(Fixtures.json("digits-mlp/parameters.json").get("parameters").asLong());

      // Batches of 100 so that the last one (60 rows) differs from the others.
      float[][] logits = model.predict(test.pixels(), 100);
      assertThat(logits).hasNumberOfRows(360);
      for (int i = 0; i < 3; i++) {
        JsonNode testCase = expected.get("cases").get(i);
        assertThat(testCase.get("row").asInt()).isEqualTo(Fixtures.DIGITS_TRAIN_ROWS + i);
        assertMatches(logits[i], testCase.get("logits"));
        assertThat(argmax(logits[i])).isEqualTo(testCase.get("predicted").asInt());
      }
      assertThat(accuracy(logits, test.labels()))
          .isEqualTo(330 / 360.0)
          .isCloseTo(expected.get("testAccuracy").asDouble(), within(1e-6));
    }
  }

  @Test
  void digitsCnnRunsOnImagesOfOneByEightByEight() throws Exception {
    JsonNode expected = Fixtures.json("digits-cnn/expected.json");
    LearnwareSpec spec = Fixtures.spec("digits-cnn/spec.json");
    // The same pixels, read as 1×8×8 images (row-major = channel-major for one channel).
    Digits test = Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, 1797);
    try (LoadedModel model =
        LoadedModel.load(Fixtures.path("digits-cnn/model.pt"), spec, Device.cpu())) {
      assertThat(model.inputShape()).isEqualTo(InputShape.image(1, 8, 8));
      assertThat(model.parameterCount())
          .isEqualTo(1370)
          .isEqualTo(expected.get("parameters").asLong());
      float[][] logits = model.predict(test.pixels());
      for (int i = 0; i < 3; i++) {
        assertMatches(logits[i], expected.get("cases").get(i).get("logits"));
      }
      assertThat(accuracy(logits, test.labels()))
          .isCloseTo(expected.get("testAccuracy").asDouble(), within(1e-6));
    }
  }

  @Test
  void memoryStaysFlatOverThousandsOfBatches() throws Exception {
    Digits train = Fixtures.digits(0, 64);
    try (LoadedModel model = LoadedModel.load(MLP, InputShape.table(64), Device.cpu())) {
      model.predict(train.pixels(), 8);
      int before = model.liveArrays();
      for (int i = 0; i < 500; i++) {
        model.predict(train.pixels(), 8); // 8 batches each: 4,000 batches in all
      }
      assertThat(model.liveArrays()).isEqualTo(before);
    }
  }

  @Test
  void corruptFilesAreReportedAsNotLoadable(@TempDir Path dir) throws IOException {
    byte[] bytes = Files.readAllBytes(MLP);
    Path truncated = Files.write(dir.resolve("model.pt"), Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> LoadedModel.load(truncated, InputShape.table(64), Device.cpu()))
        .isInstanceOf(ModelException.class)
        .hasMessageStartingWith("the model file is not a TorchScript module PyTorch can load: ");
    assertThatThrownBy(
            () ->
                LoadedModel.load(
                    Fixtures.path("not-torchscript.pt"), InputShape.table(64), Device.cpu()))
        .isInstanceOf(ModelException.class)
        .hasMessageStartingWith("the model file is not a TorchScript module PyTorch can load: ");
    assertThatThrownBy(
            () -> LoadedModel.load(dir.resolve("absent.pt"), InputShape.table(64), Device.cpu()))
        .hasMessageEndingWith("absent.pt does not exist");
  }

  @Test
  void aModelExpectingOtherInputsFailsWithTheEnginesReason() throws Exception {
    Matrix probe = Fixtures.digits(0, 4).pixels();
    try (LoadedModel model =
        LoadedModel.load(
            Fixtures.path("bad-models/wrong-input.pt"), InputShape.table(64), Device.cpu())) {
      assertThatThrownBy(() -> model.predict(probe))
          .isInstanceOf(ModelException.class)
          .hasMessage(
              "the model fails on input of shape [n, 64]: mat1 and mat2 shapes cannot be"
                  + " multiplied (4x64 and 32x16)");
    }
  }

  private static void assertMatches(float[] actual, JsonNode expected) {
    assertThat(actual).hasSize(expected.size());
    for (int k = 0; k < actual.length; k++) {
      assertThat((double) actual[k]).isCloseTo(expected.get(k).asDouble(), within(1e-4));
    }
  }

  private static double accuracy(float[][] logits, int[] labels) {
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      correct += argmax(logits[i]) == labels[i] ? 1 : 0;
    }
    return (double) correct / labels.length;
  }

  private static int argmax(float[] values) {
    int best = 0;
    for (int k = 1; k < values.length; k++) {
      if (values[k] > values[best]) {
        best = k;
      }
    }
    return best;
  }
}
