package io.learnware.spec.beimingwu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.RkmeDocuments;
import io.learnware.spec.SpecDocuments;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Beimingwu zip of the digits MLP, checked in Java and used from Python. */
class BeimingwuPackageTest {

  private static final Path FIXTURES = Path.of("../fixtures");
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @Test
  void theZipHoldsBeimingwusLayoutAndTheModelUnchanged() throws IOException {
    Map<String, byte[]> entries = unzip(digitsZip());

    assertThat(entries.keySet())
        .containsExactly(
            "learnware.yaml",
            "__init__.py",
            "market.json",
            "model.pt",
            "stat.json",
            "semantic_specification.json",
            "requirements.txt");
    assertThat(entries.get("model.pt"))
        .isEqualTo(Files.readAllBytes(FIXTURES.resolve("digits-mlp/model.pt")));
    assertThat(text(entries, "learnware.yaml"))
        .isEqualTo(
            """
            model:
              class_name: MarketModel
              kwargs: {}
            stat_specifications:
              - module_path: learnware.specification
                class_name: RKMETableSpecification
                file_name: stat.json
                kwargs: {}
            semantic_specification:
              file_name: semantic_specification.json
            """);
    JsonNode stat = SpecDocuments.mapper().readTree(entries.get("stat.json"));
    assertThat(stat.get("type").asText()).isEqualTo("RKMETableSpecification");
    assertThat(stat.get("z").size()).isEqualTo(100);
    JsonNode semantic = SpecDocuments.mapper().readTree(entries.get("semantic_specification.json"));
    assertThat(semantic.get("Data").toString())
        .isEqualTo("{\"Type\":\"Class\",\"Values\":[\"Table\"]}");
    assertThat(semantic.get("Task").get("Values").get(0).asText()).isEqualTo("Classification");
    assertThat(semantic.get("Library").get("Values").get(0).asText()).isEqualTo("PyTorch");
    assertThat(semantic.get("License").get("Values").get(0).asText()).isEqualTo("MIT");
    assertThat(semantic.get("Scenario").get("Values").get(0).asText()).isEqualTo("Others");
    assertThat(semantic.get("Name").get("Values").asText()).isEqualTo("Handwritten digits MLP");
    assertThat(semantic.get("Input").get("Dimension").asInt()).isEqualTo(64);
    assertThat(semantic.get("Input").get("Description").get("0").asText())
        .isEqualTo("p0: pixel row 0 col 0, 0..1");
    assertThat(semantic.get("Output").get("Description").get("9").asText()).isEqualTo("9");
    JsonNode market = SpecDocuments.mapper().readTree(entries.get("market.json"));
    assertThat(market.get("inputShape").toString()).isEqualTo("[64]");
    assertThat(market.get("outputShape").toString()).isEqualTo("[10]");
  }

  @Test
  void scenariosComeFromMatchingTags() throws IOException {
    ObjectNode spec = (ObjectNode) digitsSpecJson();
    spec.putArray("tags").add("health").add("digits").add("Education");

    JsonNode semantic = BeimingwuPackage.semantic(SpecDocuments.parse(spec));

    assertThat(semantic.get("Scenario").toString())
        .isEqualTo("{\"Type\":\"Tag\",\"Values\":[\"Health\",\"Education\"]}");
  }

  @Test
  void otherFormatsAreRefused() throws IOException {
    ObjectNode spec = (ObjectNode) digitsSpecJson();
    ((ObjectNode) spec.get("model")).put("format", "djl");

    assertThatThrownBy(
            () ->
                BeimingwuPackage.write(
                    SpecDocuments.parse(spec),
                    "a/b@1",
                    InputStream.nullInputStream(),
                    new ByteArrayOutputStream()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TorchScript or ONNX only");
  }

  /**
   * Beimingwu's side: the zip unpacked, its files checked against Beimingwu's layout, the class
   * imported and run on the 360 digits test rows. The market's own evaluation of this model gets
   * 330 of them right (fixtures/digits-mlp/expected.json: testAccuracy 0.916667 of 360).
   */
  @Test
  void pythonImportsTheClassAndPredictsAsTheMarketEvaluates(@TempDir Path tmp) throws Exception {
    assumeTrue(
        Files.isExecutable(PYTHON) && python("-c", "import numpy, torch, yaml").exit() == 0,
        "needs /usr/bin/python3 with numpy, torch and yaml (PyTorch runs the TorchScript model)");
    Path zip = tmp.resolve("digits-mlp.zip");
    Files.write(zip, digitsZip());

    Run run =
        python(
            FIXTURES.resolve("beimingwu_zip_check.py").toString(),
            zip.toString(),
            FIXTURES.resolve("data/digits-test.csv.gz").toString(),
            FIXTURES.resolve("data/digits-train.csv.gz").toString());

    assertThat(run.exit()).as(run.output()).isZero();
    System.out.println("Beimingwu zip of digits-mlp, used from Python: " + run.output());
    JsonNode summary = SpecDocuments.mapper().readTree(run.output());
    assertThat(summary.get("rows").asInt()).isEqualTo(360);
    assertThat(summary.get("correct").asInt()).isEqualTo(330);
    assertThat(summary.get("predict_shape").toString()).isEqualTo("[360,10]");
    assertThat(summary.get("input_shape").toString()).isEqualTo("[64]");
    assertThat(summary.get("output_shape").toString()).isEqualTo("[10]");
    assertThat(summary.get("stat").get("z_shape").toString()).isEqualTo("[100,64]");
    // finetune() trains (10 epochs on the 1,437 training rows) without breaking the model.
    assertThat(summary.get("correct_after_finetune").asInt()).isGreaterThanOrEqualTo(324);
  }

  /** The digits MLP's spec with, as its RKME, the Beimingwu sample of the same training rows. */
  private static JsonNode digitsSpecJson() throws IOException {
    ObjectNode spec =
        (ObjectNode)
            SpecDocuments.mapper().readTree(FIXTURES.resolve("digits-mlp/spec.json").toFile());
    spec.set(
        "statistical",
        RkmeDocuments.normalize(
            SpecDocuments.mapper()
                .readTree(FIXTURES.resolve("beimingwu/digits-rkme.json").toFile())));
    return spec;
  }

  private static byte[] digitsZip() throws IOException {
    LearnwareSpec spec = SpecDocuments.parse(digitsSpecJson());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream model = Files.newInputStream(FIXTURES.resolve("digits-mlp/model.pt"))) {
      BeimingwuPackage.write(spec, "alice/digits-mlp@1", model, out);
    }
    return out.toByteArray();
  }

  private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.put(e.getName(), in.readAllBytes());
      }
    }
    return entries;
  }

  private static String text(Map<String, byte[]> entries, String name) {
    return new String(entries.get(name), StandardCharsets.UTF_8);
  }

  private record Run(int exit, String output) {}

  private static Run python(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PYTHON.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("python3 did not finish: " + output);
    }
    return new Run(process.exitValue(), output.strip());
  }
}
