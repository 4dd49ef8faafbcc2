package io.learnware.worker.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.FeatureMapSpec;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.rkme.ImageFeatureMap;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.worker.Fixtures;
import io.learnware.worker.job.Datasets;
import io.learnware.worker.validate.Validation.Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationTest {

  private static final Path MLP = Fixtures.path("digits-mlp/model.pt");
  private static final LearnwareSpec DIGITS = Fixtures.spec("digits-mlp/spec.json");
  private static final Path ONNX_MLP = Fixtures.path("digits-mlp/model.onnx");
  private static final LearnwareSpec ONNX_DIGITS = onnxSpec();
  private static final LearnwareSpec DIABETES = Fixtures.spec("diabetes-mlp/spec.json");
  private static final LearnwareSpec DIABETES_ONNX = diabetesOnnx();

  @Test
  void theDigitsMlpIsUsable() throws Exception {
    List<String> stages = new ArrayList<>();
    ValidationReport report =
        validation(MLP, DIGITS).optListener((stage, fraction) -> stages.add(stage)).build().run();

    assertThat(report.usable()).isTrue();
    assertThat(report.reason()).isNull();
    assertThat(report.loads()).isTrue();
    assertThat(report.outputShape()).containsExactly(64L, 10L);
    assertThat(report.finite()).isTrue();
    assertThat(report.parameters())
        .isEqualTo(2410L)
        .isEqualTo(Fixtures.json("digits-mlp/parameters.json").get("parameters").asLong());
    assertThat(report.latencyMsPerSample()).isPositive().isLessThan(50.0);
    assertThat(report.log())
        .startsWith(
            "model model.pt (%d bytes), format torchscript, input [n, 64], output.dimension 10, on cpu"
                .formatted(Files.size(MLP)),
            "loads: 2410 parameters",
            "random probes: 64 rows of 64 features, each standard normal (tables declare no range)",
            "herding skipped: the specification has no RKME",
            "random probes: output shape [64, 10] matches output.dimension 10; all 640 values finite")
        .endsWith("verdict: usable");
    assertThat(report.log().get(5))
        .matches(
            "latency: \\d+\\.\\d{4} ms per sample \\(5 batches of 64 after 3 warm-up batches\\)");
    assertThat(stages)
        .containsExactly(
            "loading the model", "running the random probes", "measuring latency", "done");
  }

  @Test
  void aTableRkmeAddsHerdedProbesThatLookLikeDigits() throws Exception {
    Matrix train = Fixtures.digits(0, Fixtures.DIGITS_TRAIN_ROWS).pixels();
    Rkme rkme = Rkme.builder().setData(train).optPoints(50).optSeed(7).build();
    ObjectNode document = Fixtures.json("digits-mlp/spec.json").deepCopy();
    document.set("statistical", SpecDocuments.mapper().valueToTree(rkme.toSpec()));
    LearnwareSpec spec = SpecDocuments.parse(document);

    Validation validation = validation(MLP, spec).optSeed(11).build();
    List<Probe> probes = validation.probes();
    assertThat(probes).extracting(Probe::name).containsExactly("random probes", "herded probes");
    assertThat(probes.get(1).samples()).isEqualTo(Rkme.fromSpec(spec.statistical()).herd(64, 11));

    // Herded points resemble the training digits (random normal probes do not).
    double herded = columnMeanDistance(probes.get(1).samples(), train);
    double random = columnMeanDistance(probes.get(0).samples(), train);
    assertThat(herded).isLessThan(0.03); // measured 0.0078
    assertThat(random).isGreaterThan(0.3); // measured 0.42

    ValidationReport report = validation.run();
    assertThat(report.usable()).isTrue();
    assertThat(report.log())
        .contains(
            "herded probes: 64 points herded from the RKME (K=50, gamma 0.1, seed 11)",
            "herded probes: output shape [64, 10] matches output.dimension 10; all 640 values finite");
  }

  @Test
  void aModelWithNanOutputsIsNotUsable() {
    ValidationReport report =
        validation(Fixtures.path("bad-models/nan-output.pt"), DIGITS).build().run();
    assertThat(report.usable()).isFalse();
    assertThat(report.reason())
        .isEqualTo(
            "the model returned 64 non-finite values (NaN or infinite) among 640 outputs on the"
                + " random probes, the first at row 0, output 3 (NaN)");
    assertThat(report.loads()).isTrue();
    assertThat(report.finite()).isFalse();
    assertThat(report.outputShape()).containsExactly(64L, 10L);
    assertThat(report.parameters()).isEqualTo(650L).isEqualTo(badModelParameters("nan-output.pt"));
    assertThat(report.latencyMsPerSample()).isNull();
    assertThat(report.log()).last().isEqualTo("verdict: not usable: " + report.reason());
  }

  @Test
  void aModelWithTheWrongOutputDimensionIsNotUsable() {
    ValidationReport report =
        validation(Fixtures.path("bad-models/wrong-output.pt"), DIGITS).build().run();
    assertThat(report.usable()).isFalse();
    assertThat(report.reason())
        .isEqualTo("the model returned 5 outputs per row; the spec declares output.dimension 10");
    assertThat(report.outputShape()).containsExactly(64L, 5L);
    assertThat(report.finite()).isTrue();
    assertThat(report.parameters())
        .isEqualTo(2245L)
        .isEqualTo(badModelParameters("wrong-output.pt"));
  }

  @Test
  void aModelExpectingAnotherInputSizeIsNotUsable() {
    ValidationReport report =
        validation(Fixtures.path("bad-models/wrong-input.pt"), DIGITS).build().run();
    assertThat(report.usable()).isFalse();
    // The engine's words are kept apart from the market's: a model can make them say anything.
    assertThat(report.reason()).isEqualTo("the model fails on input of shape [n, 64]");
    assertThat(report.modelError())
        .isEqualTo("mat1 and mat2 shapes cannot be multiplied (64x64 and 32x16)");
    assertThat(report.log()).noneMatch(line -> line.contains("mat1"));
    assertThat(report.loads()).isTrue();
    assertThat(report.parameters()).isEqualTo(698L).isEqualTo(badModelParameters("wrong-input.pt"));
    assertThat(report.outputShape()).isNull();
    assertThat(report.finite()).isFalse();
  }

  @Test
  void aModelReturningLabelsInsteadOfLogitsIsNotUsable() {
    ValidationReport report =
        validation(Fixtures.path("bad-models/labels-output.pt"), DIGITS).build().run();
    assertThat(report.usable()).isFalse();
    assertThat(report.reason())
        .isEqualTo("the model returned shape [64] for 64 samples; expected [64, k]");
    assertThat(report.loads()).isTrue();
    assertThat(report.parameters())
        .isEqualTo(2410L)
        .isEqualTo(badModelParameters("labels-output.pt"));
    assertThat(report.outputShape()).isNull();
  }

  @Test
  void filesThatAreNotTorchScriptDoNotLoad(@TempDir Path dir) throws Exception {
    byte[] bytes = Files.readAllBytes(MLP);
    Path truncated = Files.write(dir.resolve("model.pt"), Arrays.copyOf(bytes, bytes.length - 100));
    for (Path file : List.of(truncated, Fixtures.path("not-torchscript.pt"))) {
      ValidationReport report = validation(file, DIGITS).build().run();
      assertThat(report.usable()).isFalse();
      assertThat(report.loads()).isFalse();
      assertThat(report.parameters()).isNull();
      assertThat(report.outputShape()).isNull();
      assertThat(report.reason())
          .isEqualTo("the model file is not a TorchScript module PyTorch can load");
      assertThat(report.modelError()).isNotBlank();
      assertThat(report.log())
          .hasSize(2)
          .last()
          .isEqualTo("verdict: not usable: " + report.reason());
    }
  }

  @Test
  void theDigitsCnnIsUsableAndImageRkmesAreNotHerded() {
    LearnwareSpec plain = Fixtures.spec("digits-cnn/spec.json");
    Path cnn = Fixtures.path("digits-cnn/model.pt");
    ObjectNode document = Fixtures.json("digits-cnn/spec.json").deepCopy();
    document.set("statistical", SpecDocuments.mapper().valueToTree(imageRkme()));
    LearnwareSpec spec = SpecDocuments.parse(document);

    ValidationReport report = validation(cnn, spec).build().run();
    assertThat(report.usable()).isTrue();
    assertThat(report.outputShape()).containsExactly(64L, 10L);
    assertThat(report.parameters())
        .isEqualTo(1370L)
        .isEqualTo(Fixtures.json("digits-cnn/expected.json").get("parameters").asLong());
    assertThat(report.latencyMsPerSample()).isPositive();
    assertThat(report.log())
        .contains(
            "random probes: 64 images of [n, 1, 8, 8], pixels uniform in [0.0, 1.0]",
            "herding skipped: the image RKME lives in the feature space of"
                + " image-sign-projection-v1, not in pixel space");
    assertThat(validation(cnn, spec).build().probes()).hasSize(1);
    assertThat(validation(cnn, plain).build().run().usable()).isTrue();
  }

  @Test
  void imageProbesStayWithinTheDeclaredRange() {
    ObjectNode document = Fixtures.json("digits-cnn/spec.json").deepCopy();
    ((ObjectNode) document.get("input")).putArray("range").add(0).add(255);
    Matrix probes =
        validation(Fixtures.path("digits-cnn/model.pt"), SpecDocuments.parse(document))
            .build()
            .probes()
            .getFirst()
            .samples();
    assertThat(probes.rows()).isEqualTo(64);
    assertThat(probes.columns()).isEqualTo(64);
    double[] values = probes.data();
    assertThat(Arrays.stream(values).min().orElseThrow()).isBetween(0.0, 10.0);
    assertThat(Arrays.stream(values).max().orElseThrow()).isBetween(245.0, 255.0);
  }

  @Test
  void probesDependOnTheSeedOnly() {
    Matrix a = validation(MLP, DIGITS).optSeed(3).build().probes().getFirst().samples();
    Matrix b = validation(MLP, DIGITS).optSeed(3).build().probes().getFirst().samples();
    Matrix c = validation(MLP, DIGITS).optSeed(4).build().probes().getFirst().samples();
    assertThat(a).isEqualTo(b).isNotEqualTo(c);
    // Standard normal: mean near 0, variance near 1 over 4,096 numbers.
    double mean = Arrays.stream(a.data()).average().orElseThrow();
    double variance =
        Arrays.stream(a.data()).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
    assertThat(mean).isBetween(-0.06, 0.06);
    assertThat(variance).isBetween(0.93, 1.07);
  }

  @Test
  void theOnnxDigitsMlpIsUsable() throws Exception {
    ValidationReport report = validation(ONNX_MLP, ONNX_DIGITS).build().run();

    assertThat(report.usable()).isTrue();
    assertThat(report.reason()).isNull();
    assertThat(report.loads()).isTrue();
    assertThat(report.outputShape()).containsExactly(64L, 10L);
    assertThat(report.finite()).isTrue();
    // The initializers of model.onnx: the same 2,410 weights as model.pt.
    assertThat(report.parameters())
        .isEqualTo(2410L)
        .isEqualTo(Fixtures.json("digits-mlp/parameters.json").get("parameters").asLong());
    assertThat(report.latencyMsPerSample()).isPositive().isLessThan(50.0);
    assertThat(report.log())
        .startsWith(
            "model model.onnx (%d bytes), format onnx, input [n, 64], output.dimension 10, on cpu"
                .formatted(Files.size(ONNX_MLP)),
            "loads: 2410 parameters")
        .contains(
            "random probes: output shape [64, 10] matches output.dimension 10; all 640 values finite")
        .endsWith("verdict: usable");
    // ONNX runs on the CPU whatever device is asked for.
    assertThat(
            Validation.builder()
                .setModel(ONNX_MLP)
                .setSpec(ONNX_DIGITS)
                .optDevice(Device.gpu())
                .build()
                .run()
                .log()
                .getFirst())
        .endsWith("on cpu");
  }

  @Test
  void corruptOnnxFilesDoNotLoad(@TempDir Path dir) throws Exception {
    byte[] bytes = Files.readAllBytes(ONNX_MLP);
    Path truncated = Files.write(dir.resolve("model.onnx"), Arrays.copyOf(bytes, bytes.length / 2));
    Path text = Files.writeString(dir.resolve("0123abcd"), "this is not a model");
    for (Path file : List.of(truncated, text, MLP)) {
      ValidationReport report = validation(file, ONNX_DIGITS).build().run();
      assertThat(report.usable()).isFalse();
      assertThat(report.loads()).isFalse();
      assertThat(report.parameters()).isNull();
      assertThat(report.outputShape()).isNull();
      assertThat(report.latencyMsPerSample()).isNull();
      assertThat(report.reason())
          .isEqualTo("the model file is not an ONNX model ONNX Runtime can load");
      assertThat(report.modelError()).isNotBlank();
      assertThat(report.log())
          .hasSize(2)
          .last()
          .isEqualTo("verdict: not usable: " + report.reason());
    }
  }

  @Test
  void otherFormatsAndMissingSettingsAreRejectedBeforeRunning() {
    ObjectNode document = Fixtures.json("digits-mlp/spec.json").deepCopy();
    document.put("dataType", "text");
    LearnwareSpec text = SpecDocuments.parse(document);
    assertThat(Validation.unsupported(text))
        .contains("text learnwares cannot be run by this worker yet (token inputs)");
    assertThat(Validation.unsupported(DIGITS)).isEmpty();
    assertThat(Validation.unsupported(ONNX_DIGITS)).isEmpty();
    assertThatThrownBy(() -> validation(MLP, text).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Validation.builder().setModel(MLP).build())
        .hasMessage("setModel and setSpec are required");
    assertThatThrownBy(() -> Validation.builder().optProbes(0))
        .hasMessage("probes must be between 1 and 4096, got 0");
  }

  @Test
  void theDiabetesRegressorIsUsableInBothFormats() throws Exception {
    Path pt = Fixtures.path("diabetes-mlp/model.pt");
    Path onnx = Fixtures.path("diabetes-mlp/model.onnx");
    long parameters = Fixtures.json("diabetes-mlp/expected.json").get("parameters").asLong();
    for (Path model : List.of(pt, onnx)) {
      boolean isOnnx = model.equals(onnx);
      ValidationReport report = validation(model, isOnnx ? DIABETES_ONNX : DIABETES).build().run();
      assertThat(report.usable()).as(model.toString()).isTrue();
      assertThat(report.reason()).isNull();
      assertThat(report.outputShape()).containsExactly(64L, 1L);
      assertThat(report.finite()).isTrue();
      // 10·32 + 32 + 32 + 1; the ONNX initializers hold the same values.
      assertThat(report.parameters()).isEqualTo(385L).isEqualTo(parameters);
      assertThat(report.latencyMsPerSample()).isPositive();
      assertThat(report.log())
          .startsWith(
              "model %s (%d bytes), format %s, input [n, 10], output.dimension 1, on cpu"
                  .formatted(
                      model.getFileName(), Files.size(model), isOnnx ? "onnx" : "torchscript"),
              "loads: 385 parameters",
              "task regression: every probe row must get 1 finite predicted value"
                  + " (output.dimension)",
              "random probes: 64 rows of 10 features, each standard normal (tables declare no"
                  + " range)",
              "herding skipped: the specification has no RKME")
          .endsWith("verdict: usable");
      // What was checked for a regressor: predicted values, not class scores.
      System.out.println("diabetes-mlp validation: " + report.log());
      String probed = report.log().get(5);
      assertThat(probed)
          .matches(
              "random probes: output shape \\[64, 1\\] matches output.dimension 1; all 64"
                  + " predictions finite, from [0-9.]+ to [0-9.]+ \\(mean [0-9.]+\\)");
      assertThat(String.join("\n", report.log())).doesNotContainIgnoringCase("class");
    }
    // Both formats give the same predictions on the same probes (float32 rounding apart).
    assertThat(validation(onnx, DIABETES_ONNX).build().run().log().get(5))
        .isEqualTo(validation(pt, DIABETES).build().run().log().get(5));
  }

  @Test
  void herdedProbesOfARegressorLookLikeItsTrainingRows() throws Exception {
    Matrix train = diabetes("data/diabetes-train.csv.gz").features();
    Rkme rkme = Rkme.builder().setData(train).optPoints(50).optSeed(7).build();
    ObjectNode document = Fixtures.json("diabetes-mlp/spec.json").deepCopy();
    document.set("statistical", SpecDocuments.mapper().valueToTree(rkme.toSpec()));
    LearnwareSpec spec = SpecDocuments.parse(document);

    Validation validation =
        validation(Fixtures.path("diabetes-mlp/model.pt"), spec).optSeed(11).build();
    List<Probe> probes = validation.probes();
    assertThat(probes).extracting(Probe::name).containsExactly("random probes", "herded probes");
    // Standardised inputs: the training rows' columns have mean 0, so do both kinds of probes,
    // but only the herded ones keep the columns' correlations (e.g. s1 and s2, 0.90).
    double herdedS1S2 = correlation(probes.get(1).samples(), 4, 5);
    double randomS1S2 = correlation(probes.get(0).samples(), 4, 5);
    assertThat(correlation(train, 4, 5)).isCloseTo(0.90, within(0.01));
    assertThat(herdedS1S2).isGreaterThan(0.7);
    assertThat(Math.abs(randomS1S2)).isLessThan(0.3);

    ValidationReport report = validation.run();
    System.out.println("diabetes-mlp with an RKME: " + report.log());
    assertThat(report.usable()).isTrue();
    String herded =
        report.log().stream().filter(l -> l.startsWith("herded probes: output")).findFirst().get();
    // On points like the training rows the predictions stay within the target's range (25..346).
    Matcher range =
        Pattern.compile("from ([0-9.]+) to ([0-9.]+) \\(mean ([0-9.]+)\\)").matcher(herded);
    assertThat(range.find()).isTrue();
    assertThat(Double.parseDouble(range.group(1))).isGreaterThan(25);
    assertThat(Double.parseDouble(range.group(2))).isLessThan(346);
    assertThat(Double.parseDouble(range.group(3))).isBetween(120.0, 180.0);
  }

  @Test
  void aRegressorWithNonFiniteOrMisshapenOutputsIsNotUsable() {
    JsonNode expected = Fixtures.json("bad-regressors/expected.json");
    ValidationReport nan = validation(badRegressor("nan-output.pt"), DIABETES).build().run();
    assertThat(nan.usable()).isFalse();
    assertThat(nan.loads()).isTrue();
    assertThat(nan.finite()).isFalse();
    assertThat(nan.outputShape()).containsExactly(64L, 1L);
    assertThat(nan.parameters())
        .isEqualTo(expected.get("nan-output.pt").get("parameters").asLong());
    // sqrt of a negative score: about half the standard normal rows.
    assertThat(nan.reason())
        .matches(
            "the model returned \\d+ non-finite predictions \\(NaN or infinite\\) among 64"
                + " outputs on the random probes, the first at row \\d+, output 0 \\(NaN\\)");
    assertThat(nonFinite(nan.reason())).isBetween(20, 44);
    assertThat(nan.latencyMsPerSample()).isNull();
    assertThat(nan.log()).last().isEqualTo("verdict: not usable: " + nan.reason());

    ValidationReport inf = validation(badRegressor("inf-output.pt"), DIABETES).build().run();
    assertThat(inf.usable()).isFalse();
    assertThat(inf.finite()).isFalse();
    // exp overflows where the 10 inputs sum above 2.957: P(N(0, 10) > 2.957) = 0.175 of 64 rows.
    assertThat(inf.reason())
        .matches(
            "the model returned \\d+ non-finite predictions \\(NaN or infinite\\) among 64"
                + " outputs on the random probes, the first at row \\d+, output 0 \\(Infinity\\)");
    assertThat(nonFinite(inf.reason())).isBetween(4, 20);

    System.out.println("bad regressors: " + nan.reason() + "; " + inf.reason());
    ValidationReport two = validation(badRegressor("two-outputs.pt"), DIABETES).build().run();
    assertThat(two.usable()).isFalse();
    assertThat(two.finite()).isTrue();
    assertThat(two.outputShape()).containsExactly(64L, 2L);
    assertThat(two.reason())
        .isEqualTo(
            "the model returned 2 values per row; the spec declares output.dimension 1 (predicted"
                + " values per row of a regressor)");

    ValidationReport flat = validation(badRegressor("flat-output.pt"), DIABETES).build().run();
    assertThat(flat.usable()).isFalse();
    assertThat(flat.loads()).isTrue();
    assertThat(flat.outputShape()).isNull();
    assertThat(flat.reason())
        .isEqualTo("the model returned shape [64] for 64 samples; expected [64, k]");
  }

  private static Validation.Builder validation(Path model, LearnwareSpec spec) {
    return Validation.builder().setModel(model).setSpec(spec).optDevice(Device.cpu());
  }

  private static Path badRegressor(String file) {
    return Fixtures.path("bad-regressors/" + file);
  }

  /** The count at the start of a non-finite reason: "the model returned N non-finite …". */
  private static int nonFinite(String reason) {
    return Integer.parseInt(reason.split(" ")[3]);
  }

  private static Datasets.Targets diabetes(String file) throws Exception {
    return Datasets.readTargets(
        Fixtures.path(file), DIABETES, 10, "the model", (read, total) -> {});
  }

  /** The diabetes spec with model.format onnx. */
  private static LearnwareSpec diabetesOnnx() {
    ObjectNode document = Fixtures.json("diabetes-mlp/spec.json").deepCopy();
    ((ObjectNode) document.get("model")).put("format", "onnx");
    return SpecDocuments.parse(document);
  }

  /** Pearson's correlation of two columns. */
  private static double correlation(Matrix m, int a, int b) {
    double meanA = columnMean(m, a);
    double meanB = columnMean(m, b);
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int r = 0; r < m.rows(); r++) {
      double da = m.get(r, a) - meanA;
      double db = m.get(r, b) - meanB;
      ab += da * db;
      aa += da * da;
      bb += db * db;
    }
    return ab / Math.sqrt(aa * bb);
  }

  /** The digits spec with model.format onnx. */
  private static LearnwareSpec onnxSpec() {
    ObjectNode document = Fixtures.json("digits-mlp/spec.json").deepCopy();
    ((ObjectNode) document.get("model")).put("format", "onnx");
    return SpecDocuments.parse(document);
  }

  private static long badModelParameters(String file) {
    return Fixtures.json("bad-models/expected.json").get(file).get("parameters").asLong();
  }

  /** An image RKME as clients compute it: behind the fixed feature map, not on pixels. */
  private static Object imageRkme() {
    Matrix pixels = Fixtures.digits(0, 300).pixels();
    ImageFeatureMap map = new ImageFeatureMap(1, 8, 8);
    double[] features = new double[pixels.rows() * ImageFeatureMap.DIMENSION];
    for (int i = 0; i < pixels.rows(); i++) {
      map.apply(pixels.data(), i * 64, features, i * ImageFeatureMap.DIMENSION);
    }
    return Rkme.builder()
        .setData(new Matrix(pixels.rows(), ImageFeatureMap.DIMENSION, features))
        .optPoints(20)
        .build()
        .toSpec()
        .withFeatureMap(FeatureMapSpec.imageSignProjection(1, 8, 8));
  }

  /** Root-mean-square difference between the column means of two matrices. */
  private static double columnMeanDistance(Matrix a, Matrix b) {
    double sum = 0;
    for (int c = 0; c < a.columns(); c++) {
      double diff = columnMean(a, c) - columnMean(b, c);
      sum += diff * diff;
    }
    return Math.sqrt(sum / a.columns());
  }

  private static double columnMean(Matrix m, int column) {
    double sum = 0;
    for (int r = 0; r < m.rows(); r++) {
      sum += m.get(r, column);
    }
    return sum / m.rows();
  }
}
