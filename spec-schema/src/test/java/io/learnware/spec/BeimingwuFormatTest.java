package io.learnware.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both directions between the market's RKME and Beimingwu's {@code RKMETableSpecification} JSON,
 * with {@code fixtures/beimingwu/digits-rkme.json}, a file written the way Beimingwu's {@code
 * save()} writes it (see {@code fixtures/beimingwu_rkme.py}).
 */
class BeimingwuFormatTest {

  private static final Path FIXTURES = Path.of("../fixtures");
  private static final Path SAMPLE = FIXTURES.resolve("beimingwu/digits-rkme.json");
  private static final Path SCRIPT = FIXTURES.resolve("beimingwu_rkme.py");
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private static final SpecValidator VALIDATOR = new SpecValidator();

  @Test
  void theSampleImportsLosslesslyAndExportsToTheSameDocument() throws IOException {
    JsonNode saved = SpecDocuments.readTree(Files.readString(SAMPLE));
    assertThat(VALIDATOR.validateStatistical(saved)).isEmpty();

    RkmeSpec imported =
        SpecDocuments.mapper().treeToValue(RkmeDocuments.normalize(saved), RkmeSpec.class);
    assertThat(imported.dimension()).isEqualTo(64);
    assertThat(imported.z()).hasNumberOfRows(100);
    assertThat(imported.numPoints()).isEqualTo(1437);
    assertThat(imported.gamma()).isEqualTo(0.1);
    for (int i = 0; i < imported.z().length; i++) {
      for (int j = 0; j < 64; j++) {
        assertThat(imported.z()[i][j]).isEqualTo(saved.get("z").get(i).get(j).doubleValue());
      }
      assertThat(imported.beta()[i]).isEqualTo(saved.get("beta").get(i).doubleValue());
    }

    // Same members in the same order as save() writes them, and the very same numbers.
    ObjectNode exported = RkmeDocuments.toBeimingwu(imported);
    assertThat(names(exported)).containsExactly("z", "beta", "gamma", "num_points", "type");
    assertThat(names(exported)).containsExactlyElementsOf(names(saved));
    // (Not isEqualTo: on failure it would print 100 × 64 numbers.)
    assertThat(exported.equals(saved)).as("the export equals the file save() wrote").isTrue();
  }

  @Test
  void anImageRkmeKeepsItsFeatureMapOnTheRoundTrip() throws IOException {
    RkmeSpec image =
        new RkmeSpec(
            RkmeSpec.TYPE,
            RkmeSpec.GAUSSIAN,
            0.1,
            2,
            10,
            new double[][] {{0.5, 1.5}, {2.5, 3.5}},
            new double[] {0.25, 0.75},
            FeatureMapSpec.imageSignProjection(1, 28, 28));

    ObjectNode exported = RkmeDocuments.toBeimingwu(image);

    assertThat(exported.get("type").asText()).isEqualTo("RKMETableSpecification");
    assertThat(exported.get("featureMap").get("height").asInt()).isEqualTo(28);
    assertThat(
            SpecDocuments.mapper().treeToValue(RkmeDocuments.normalize(exported), RkmeSpec.class))
        .isEqualTo(image);
  }

  @Test
  void nanAndInfinityInTheSampleAreNamedByPointer() throws IOException {
    // Python's json.dump writes non-finite numbers as bare tokens.
    String text =
        Files.readString(SAMPLE)
            .replaceFirst("\"z\":\\[\\[0\\.0,", "\"z\":[[NaN,")
            .replace("\"gamma\":0.1", "\"gamma\":Infinity");

    List<Violation> violations = VALIDATOR.validateStatistical(SpecDocuments.readTree(text));

    assertThat(violations)
        .contains(
            new Violation("/z/0/0", "must be a finite number"),
            new Violation("/gamma", "must be a finite number"));

    // Where the schema has bounds (gamma > 0, weights ≥ 0) a NaN must not break the validator.
    String bounded =
        Files.readString(SAMPLE)
            .replace("\"gamma\":0.1", "\"gamma\":NaN")
            .replaceFirst("\"beta\":\\[0\\.0057890111588779,", "\"beta\":[-Infinity,");
    assertThat(VALIDATOR.validateStatistical(SpecDocuments.readTree(bounded)))
        .contains(
            new Violation("/gamma", "must be a finite number"),
            new Violation("/beta/0", "must be a finite number"));
  }

  @Test
  void beimingwusLoadAcceptsTheExportAndRefusesTheCanonicalForm(@TempDir Path tmp)
      throws Exception {
    assumeTrue(
        Files.isExecutable(PYTHON) && python("-c", "import numpy, torch").exit() == 0,
        "needs /usr/bin/python3 with numpy and torch to run Beimingwu's load()");
    JsonNode saved = SpecDocuments.readTree(Files.readString(SAMPLE));
    RkmeSpec imported =
        SpecDocuments.mapper().treeToValue(RkmeDocuments.normalize(saved), RkmeSpec.class);
    Path exported = tmp.resolve("exported.json");
    Files.write(
        exported, SpecDocuments.mapper().writeValueAsBytes(RkmeDocuments.toBeimingwu(imported)));
    Path canonical = tmp.resolve("canonical.json");
    Files.write(canonical, SpecDocuments.mapper().writeValueAsBytes(imported));

    Run ok = python(SCRIPT.toString(), "check", exported.toString());
    Run original = python(SCRIPT.toString(), "check", SAMPLE.toString());
    Run refused = python(SCRIPT.toString(), "check", canonical.toString());

    assertThat(ok.exit()).as(ok.output()).isZero();
    JsonNode loaded = SpecDocuments.mapper().readTree(ok.output());
    assertThat(loaded.get("type").asText()).isEqualTo("RKMETableSpecification");
    assertThat(loaded.get("num_points").asLong()).isEqualTo(1437);
    assertThat(loaded.get("z_shape").toString()).isEqualTo("[100,64]");
    assertThat(loaded.get("beta_shape").toString()).isEqualTo("[100]");
    // Beimingwu computes the same embedding from the export as from its own file.
    assertThat(loaded.get("self_inner_product").doubleValue())
        .isEqualTo(
            SpecDocuments.mapper()
                .readTree(original.output())
                .get("self_inner_product")
                .doubleValue());
    // The bug of issue 19: the canonical document is refused by name.
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.output())
        .contains(
            "The type of loaded RKME (rkme-table) is different from the expected type"
                + " (RKMETableSpecification)");
  }

  private record Run(int exit, String output) {}

  private static Run python(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PYTHON.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("python3 did not finish: " + output);
    }
    return new Run(process.exitValue(), output.strip());
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
