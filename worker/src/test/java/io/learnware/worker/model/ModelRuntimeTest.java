package io.learnware.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.SpecDocuments;
import io.learnware.worker.Fixtures;
import io.learnware.worker.MarketModels;
import io.learnware.worker.Models;
import io.learnware.worker.distill.DistillationResult;
import io.learnware.worker.distill.GbdtStudent;
import io.learnware.worker.network.DjlNetwork;
import io.learnware.worker.network.StudentSpec;
import io.learnware.worker.transfer.TransferResult;
import io.learnware.worker.transfer.TransferredModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One runtime for every format: each loads through {@link ModelRuntime} and predicts what its own
 * loader predicts, and each offers features and gradients where its format has them, or says why
 * not. The market's formats are made here from the digits fixtures (short distillations and a
 * transfer).
 */
class ModelRuntimeTest {

  static final InputShape TABLE = MarketModels.TABLE;
  static final InputShape IMAGE = MarketModels.IMAGE;
  static final Path MLP = Fixtures.path("digits-mlp/model.pt");
  static final Path ONNX = Fixtures.path("digits-mlp/model.onnx");
  static final Path CNN = Fixtures.path("digits-cnn/model.pt");
  static final Path FEATURES = Fixtures.path("digits-mlp/features.pt");

  @TempDir static Path dir;
  static Fixtures.Digits test;
  static DistillationResult mlp;
  static DistillationResult cnn;
  static DistillationResult gbdt;
  static TransferResult transferred;

  @BeforeAll
  static void makeTheMarketsFormats() throws Exception {
    test = Fixtures.digits(Fixtures.DIGITS_TRAIN_ROWS, Fixtures.DIGITS_TRAIN_ROWS + 360);
    MarketModels made = MarketModels.make(dir);
    mlp = made.mlp();
    cnn = made.cnn();
    gbdt = made.gbdt();
    transferred = made.transferred();
  }

  static RunnableModel load(DistillationResult result, InputShape input) throws ModelException {
    return Models.load(result.artifact(), result.format(), result.architecture(), input, 10);
  }

  static RunnableModel transferredModel() throws ModelException {
    return Models.load(
        transferred.artifact(), ModelFormat.DJL, transferred.architecture(), TABLE, 10);
  }

  @Test
  void onnxAndTorchScriptGiveTheSameDigitsLogits() throws Exception {
    try (RunnableModel script = Models.load(MLP, ModelFormat.TORCHSCRIPT, TABLE);
        RunnableModel graph = Models.load(ONNX, ModelFormat.ONNX, TABLE)) {
      float[][] a = script.predict(test.pixels());
      float[][] b = graph.predict(test.pixels());
      double maxDiff = 0;
      for (int i = 0; i < a.length; i++) {
        for (int k = 0; k < 10; k++) {
          maxDiff = Math.max(maxDiff, Math.abs(a[i][k] - b[i][k]));
        }
      }
      System.out.printf("TorchScript vs ONNX digits logits: max |Δ| %.2e%n", maxDiff);
      assertThat(maxDiff).isLessThan(1e-4);
      assertThat(script.format()).isEqualTo(ModelFormat.TORCHSCRIPT);
      assertThat(graph.format()).isEqualTo(ModelFormat.ONNX);
      assertThat(script.parameterCount()).hasValue(2410);
      assertThat(graph.parameterCount()).hasValue(2410);
    }
  }

  @Test
  void theMarketsFormatsPredictAsTheirOwnLoaders() throws Exception {
    float[] rows = test.pixels().toFloatArray();
    try (RunnableModel runtime = load(mlp, TABLE);
        DjlNetwork own =
            DjlNetwork.load(
                mlp.artifact(), new StudentSpec.Mlp(List.of(16)), TABLE, 10, Device.cpu())) {
      assertThat(runtime).isInstanceOf(DjlNetwork.class);
      assertThat(runtime.predict(rows, 360)).containsExactly(own.predict(rows, 360));
      assertThat(runtime.parameterCount()).hasValue(64 * 16 + 16 + 16 * 10 + 10);
    }
    try (RunnableModel runtime = load(cnn, IMAGE);
        DjlNetwork own =
            DjlNetwork.load(
                cnn.artifact(), new StudentSpec.Cnn(List.of(4, 8)), IMAGE, 10, Device.cpu())) {
      assertThat(runtime.predict(rows, 360)).containsExactly(own.predict(rows, 360));
    }
    try (RunnableModel runtime = load(gbdt, TABLE);
        GbdtStudent own = GbdtStudent.load(gbdt.artifact(), TABLE, 10)) {
      assertThat(runtime.device()).isEqualTo(Device.cpu());
      assertThat(runtime.predict(rows, 360)).containsExactly(own.predict(rows, 360));
    }
    try (RunnableModel runtime = transferredModel();
        TransferredModel own =
            TransferredModel.load(
                transferred.artifact(), transferred.architecture(), TABLE, 10, Device.cpu())) {
      assertThat(runtime.predict(rows, 360)).containsExactly(own.predict(rows, 360));
      // Three epochs on the 1,437 training digits: a working classifier.
      assertThat(accuracy(runtime.predict(test.pixels()), test.labels())).isGreaterThan(0.8);
    }
  }

  @Test
  void aSpecificationPicksItsLoader() throws Exception {
    LearnwareSpec onnx = onnxSpec();
    try (RunnableModel model =
        ModelRuntime.load(
            ModelSource.forSpec(onnx, ONNX)
                .optFiles(Map.of("features.pt", FEATURES))
                .optDevice(Device.gpu())
                .build())) {
      // ONNX Runtime runs on the CPU; the declared feature extractor is its backbone.
      assertThat(model.device()).isEqualTo(Device.cpu());
      assertThat(model.backbone().dimension()).isEqualTo(32);
      assertThat(model.features(test.pixels())[0]).hasSize(32);
    }
    assertThat(ModelRuntime.formats()).containsExactlyInAnyOrder(ModelFormat.values());
    assertThat(ModelRuntime.effectiveDevice(ModelFormat.XGBOOST, Device.gpu()))
        .isEqualTo(Device.cpu());
    assertThat(ModelRuntime.effectiveDevice(ModelFormat.DJL, Device.gpu())).isEqualTo(Device.gpu());
    assertThatThrownBy(() -> Models.load(mlp.artifact(), ModelFormat.DJL, null, TABLE, 10))
        .isInstanceOf(ModelException.class)
        .hasMessage("model.architecture is required for djl models (type cnn, mlp, transfer)");
    assertThatThrownBy(
            () -> Models.load(mlp.artifact(), ModelFormat.DJL, gbdt.architecture(), TABLE, 10))
        .hasMessage(
            "a gbdt model cannot have format djl; djl models are of type cnn, mlp, transfer");
    assertThatThrownBy(() -> Models.load(dir.resolve("absent"), ModelFormat.ONNX, TABLE))
        .hasMessageEndingWith("absent does not exist");
    try (RunnableModel withoutItsFile =
        ModelRuntime.load(ModelSource.forSpec(onnx, ONNX).build())) {
      assertThatThrownBy(withoutItsFile::backbone)
          .hasMessage(
              "the specification declares the feature extractor \"features.pt\", but the version"
                  + " has no such file");
    }
  }

  @Test
  void capabilitiesAFormatLacksSayWhy() throws Exception {
    try (RunnableModel graph = Models.load(ONNX, ModelFormat.ONNX, TABLE)) {
      assertThatThrownBy(graph::differentiable)
          .isInstanceOf(CapabilityException.class)
          .hasMessage("no gradients through an ONNX graph: ONNX Runtime runs inference only");
      assertThatThrownBy(graph::backbone)
          .isInstanceOf(CapabilityException.class)
          .hasMessageStartingWith("this worker cannot cut an ONNX graph at its last layer");
    }
    try (RunnableModel script = Models.load(MLP, ModelFormat.TORCHSCRIPT, TABLE)) {
      assertThatThrownBy(script::backbone)
          .isInstanceOf(CapabilityException.class)
          .hasMessageStartingWith("DJL cannot remove the last layer of a TorchScript module");
    }
    try (RunnableModel trees = load(gbdt, TABLE)) {
      assertThatThrownBy(trees::differentiable)
          .isInstanceOf(CapabilityException.class)
          .hasMessageStartingWith("no gradients through boosted trees");
      assertThatThrownBy(trees::backbone)
          .isInstanceOf(CapabilityException.class)
          .hasMessageStartingWith("boosted trees have no feature layer to keep");
    }
  }

  @Test
  void networksTheMarketBuiltKeepTheirBackbone() throws Exception {
    try (RunnableModel model = load(mlp, TABLE)) {
      float[][] before = model.predict(test.pixels());
      float[][] features = model.features(test.pixels());
      assertThat(features[0]).hasSize(16);
      // ReLU features, and the network itself is unchanged.
      for (float v : features[0]) {
        assertThat(v).isGreaterThanOrEqualTo(0);
      }
      assertThat(model.predict(test.pixels())).isDeepEqualTo(before);
      assertThat(model.backbone().architecture().toString())
          .isEqualTo("{\"type\":\"mlp\",\"hidden\":[16]}");
    }
    try (RunnableModel model = transferredModel()) {
      assertThat(model.backbone().dimension()).isEqualTo(32);
      assertThat(model.backbone().architecture().toString())
          .isEqualTo("{\"type\":\"torchscript\",\"dimension\":32}");
      // The same features as the extractor it was trained on.
      try (TorchScriptBackbone extractor =
          TorchScriptBackbone.load(FEATURES, TABLE, 32, Device.cpu())) {
        float[] rows = test.pixels().toFloatArray();
        float[] own = extractor.features(rows, 360);
        float[] kept = model.backbone().features(rows, 360);
        for (int i = 0; i < own.length; i++) {
          assertThat(kept[i]).isCloseTo(own[i], within(1e-5f));
        }
      }
    }
  }

  @Test
  void gradientsAgreeWithFiniteDifferences() throws Exception {
    try (RunnableModel script = Models.load(MLP, ModelFormat.TORCHSCRIPT, TABLE);
        RunnableModel student = load(mlp, TABLE);
        RunnableModel image = load(cnn, IMAGE);
        RunnableModel transfer = transferredModel()) {
      for (RunnableModel model : List.of(script, student, image, transfer)) {
        float[] row = Arrays.copyOf(test.pixels().toFloatArray(), 64);
        int label = test.labels()[0];
        float[] analytic = gradient(model, row, label);
        double dot = 0;
        double a2 = 0;
        double n2 = 0;
        double h = 1e-2;
        for (int j = 0; j < row.length; j++) {
          float[] up = row.clone();
          float[] down = row.clone();
          up[j] += (float) h;
          down[j] -= (float) h;
          double numeric = (model.predict(up, 1)[label] - model.predict(down, 1)[label]) / (2 * h);
          dot += analytic[j] * numeric;
          a2 += analytic[j] * analytic[j];
          n2 += numeric * numeric;
        }
        double cosine = dot / Math.sqrt(a2 * n2);
        System.out.printf(
            "%s %s: ∇ₓ logit vs central differences: cosine %.6f, |∇| %.4f%n",
            model.format().jsonName(), model.inputShape().describeBatch(), cosine, Math.sqrt(a2));
        assertThat(a2).isPositive();
        // Piecewise linear networks: differences across a ReLU or max-pool kink blur a little.
        assertThat(cosine).isGreaterThan(0.99);
      }
    }
  }

  /** ∇ₓ of the label's logit at one row, through {@link RunnableModel#differentiable()}. */
  static float[] gradient(RunnableModel model, float[] row, int label) throws ModelException {
    Differentiable d = model.differentiable();
    try (NDManager batch = d.newBatchManager()) {
      NDArray x = batch.create(row, model.inputShape().batch(1));
      x.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        collector.backward(d.forward(x).get(0, label));
      }
      return x.getGradient().toFloatArray();
    }
  }

  static LearnwareSpec onnxSpec() {
    ObjectNode document = Fixtures.json("digits-mlp/spec.json").deepCopy();
    ((ObjectNode) document.get("model")).put("format", "onnx");
    return SpecDocuments.parse(document);
  }

  static double accuracy(float[][] logits, int[] labels) {
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int k = 1; k < logits[i].length; k++) {
        if (logits[i][k] > logits[i][best]) {
          best = k;
        }
      }
      correct += best == labels[i] ? 1 : 0;
    }
    return (double) correct / labels.length;
  }
}
