package io.learnware.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.Fixtures;
import io.learnware.worker.Fixtures.Digits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadedModelTest {

  private static final Path MLP = Fixtures.path("digits-mlp/model.pt");
  private static final Path ONNX_MLP = Fixtures.path("digits-mlp/model.onnx");

  @Test
  void digitsMlpReproducesPyTorchLogitsAndTestAccuracy() throws Exception {
    JsonNode expected = Fixtures.json("digits-mlp/expected.json");
    LearnwareSpec spec = Fixtures.spec("digits-mlp/spec.json");
    Digits test = Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, 1797);
    try (LoadedModel model = load(ModelSource.forSpec(spec, MLP))) {
      assertThat(model.device()).isEqualTo(Device.cpu());
      assertThat(model.inputShape()).isEqualTo(InputShape.table(64));
      assertThat(model.parameterCount())
          .hasValue(2410)
          .hasValue(Fixtures.json("digits-mlp/parameters.json").get("parameters").asLong());

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
        load(ModelSource.forSpec(spec, Fixtures.path("digits-cnn/model.pt")))) {
      assertThat(model.inputShape()).isEqualTo(InputShape.image(1, 8, 8));
      assertThat(model.parameterCount()).hasValue(expected.get("parameters").asLong());
      assertThat(expected.get("parameters").asLong()).isEqualTo(1370);
      float[][] logits = model.predict(test.pixels());
      for (int i = 0; i < 3; i++) {
        assertMatches(logits[i], expected.get("cases").get(i).get("logits"));
      }
      assertThat(accuracy(logits, test.labels()))
          .isCloseTo(expected.get("testAccuracy").asDouble(), within(1e-6));
    }
  }

  @Test
  void onnxDigitsMlpReproducesPyTorchLogitsOnOnnxRuntime(@TempDir Path dir) throws Exception {
    JsonNode expected = Fixtures.json("digits-mlp/expected.json");
    Digits test = Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, 1797);
    // Cached artifacts are named by their SHA-256, without an extension.
    Path artifact = Files.copy(ONNX_MLP, dir.resolve("9f86d081884c7d659a2feaa0c55ad015"));
    Path workDir;
    try (LoadedModel model =
        load(ModelSource.forSpec(onnxSpec(), artifact).optDevice(Device.gpu()))) {
      assertThat(model.format()).isEqualTo(ModelFormat.ONNX);
      assertThat(model.device()).isEqualTo(Device.cpu());
      assertThat(model.inputShape()).isEqualTo(InputShape.table(64));
      assertThat(model.parameterCount())
          .hasValue(2410)
          .hasValue(Fixtures.json("digits-mlp/parameters.json").get("parameters").asLong());
      workDir = model.workDir();
      assertThat(workDir.resolve("model.onnx")).exists();

      float[][] logits = model.predict(test.pixels(), 100);
      assertThat(logits).hasDimensions(360, 10);
      for (int i = 0; i < 3; i++) {
        JsonNode testCase = expected.get("cases").get(i);
        assertMatches(logits[i], testCase.get("logits"));
        assertThat(argmax(logits[i])).isEqualTo(testCase.get("predicted").asInt());
      }
      assertThat(accuracy(logits, test.labels()))
          .isEqualTo(330 / 360.0)
          .isCloseTo(expected.get("testAccuracy").asDouble(), within(1e-6));

      // The same logits as the TorchScript export, batch by batch.
      try (LoadedModel torch = torchScript(MLP)) {
        float[][] reference = torch.predict(test.pixels(), 100);
        double maxDiff = 0;
        for (int i = 0; i < logits.length; i++) {
          for (int k = 0; k < 10; k++) {
            maxDiff = Math.max(maxDiff, Math.abs(logits[i][k] - reference[i][k]));
          }
        }
        assertThat(maxDiff).isLessThan(1e-4);
      }

      // Batch managers are closed: nothing accumulates on the model's manager.
      int before = model.liveArrays();
      for (int i = 0; i < 50; i++) {
        model.predict(test.pixels(), 8);
      }
      assertThat(model.liveArrays()).isEqualTo(before);
    }
    assertThat(workDir).doesNotExist();
    assertThat(artifact).exists();
  }

  @Test
  void corruptOnnxFilesAreReportedAsNotLoadable(@TempDir Path dir) throws IOException {
    Set<Path> before = onnxWorkDirs();
    byte[] bytes = Files.readAllBytes(ONNX_MLP);
    Path truncated = Files.write(dir.resolve("truncated"), Arrays.copyOf(bytes, bytes.length / 2));
    for (Path file : List.of(truncated, Fixtures.path("not-torchscript.pt"), MLP)) {
      assertThatThrownBy(() -> load(ModelSource.forSpec(onnxSpec(), file)))
          .isInstanceOf(ModelException.class)
          .hasMessageStartingWith("the model file is not an ONNX model ONNX Runtime can load: ");
    }
    assertThatThrownBy(() -> load(ModelSource.forSpec(onnxSpec(), dir.resolve("absent"))))
        .hasMessageEndingWith("absent does not exist");
    // No temporary directory is left behind by the failures (other processes may have their own).
    assertThat(onnxWorkDirs()).isSubsetOf(before);
  }

  private static Set<Path> onnxWorkDirs() throws IOException {
    try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return dirs.filter(p -> p.getFileName().toString().startsWith("learnware-onnx-"))
          .collect(Collectors.toSet());
    }
  }

  @Test
  void onnxInitializersAreCountedOrUnknownNeverZero(@TempDir Path dir) throws IOException {
    assertThat(OnnxInitializers.count(ONNX_MLP)).hasValue(2410);
    byte[] bytes = Files.readAllBytes(ONNX_MLP);
    Path truncated = Files.write(dir.resolve("t"), Arrays.copyOf(bytes, bytes.length / 2));
    assertThat(OnnxInitializers.count(truncated)).isEmpty();
    assertThat(OnnxInitializers.count(Fixtures.path("not-torchscript.pt"))).isEmpty();
    // ModelProto{graph: GraphProto{initializer: [TensorProto{dims: [3, 4] unpacked},
    // TensorProto{dims: [5] packed}, TensorProto{} (a scalar)]}}
    byte[] tensors = {0x2a, 4, 0x08, 3, 0x08, 4, 0x2a, 3, 0x0a, 1, 5, 0x2a, 0};
    byte[] model = new byte[tensors.length + 2];
    model[0] = 0x3a;
    model[1] = (byte) tensors.length;
    System.arraycopy(tensors, 0, model, 2, tensors.length);
    assertThat(OnnxInitializers.count(ByteBuffer.wrap(model))).hasValue(12 + 5 + 1);
    // A graph without initializers (weights as Constant nodes): unknown.
    assertThat(OnnxInitializers.count(ByteBuffer.wrap(new byte[] {0x3a, 0}))).isEmpty();
  }

  @Test
  void memoryStaysFlatOverThousandsOfBatches() throws Exception {
    Digits train = Fixtures.digits(0, 64);
    try (LoadedModel model = torchScript(MLP)) {
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
    assertThatThrownBy(() -> torchScript(truncated))
        .isInstanceOf(ModelException.class)
        .hasMessageStartingWith("the model file is not a TorchScript module PyTorch can load: ");
    assertThatThrownBy(() -> torchScript(Fixtures.path("not-torchscript.pt")))
        .isInstanceOf(ModelException.class)
        .hasMessageStartingWith("the model file is not a TorchScript module PyTorch can load: ");
    assertThatThrownBy(() -> torchScript(dir.resolve("absent.pt")))
        .hasMessageEndingWith("absent.pt does not exist");
  }

  @Test
  void aModelExpectingOtherInputsFailsWithTheEnginesReason() throws Exception {
    Matrix probe = Fixtures.digits(0, 4).pixels();
    try (LoadedModel model = torchScript(Fixtures.path("bad-models/wrong-input.pt"))) {
      assertThatThrownBy(() -> model.predict(probe))
          .isInstanceOf(ModelException.class)
          .hasMessage(
              "the model fails on input of shape [n, 64]: mat1 and mat2 shapes cannot be"
                  + " multiplied (4x64 and 32x16)");
    }
  }

  /** The format's own model, without the spec's declared feature extractor around it. */
  private static LoadedModel load(ModelSource.Builder source) throws ModelException {
    return (LoadedModel) ModelRuntime.load(source.optFeatureExtractor(null).build());
  }

  private static LoadedModel torchScript(Path file) throws ModelException {
    return load(
        ModelSource.builder()
            .setArtifact(file)
            .setFormat(ModelFormat.TORCHSCRIPT)
            .setInputShape(InputShape.table(64)));
  }

  /** The digits spec with model.format onnx. */
  private static LearnwareSpec onnxSpec() {
    ObjectNode document = Fixtures.json("digits-mlp/spec.json").deepCopy();
    ((ObjectNode) document.get("model")).put("format", "onnx");
    return SpecDocuments.parse(document);
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
