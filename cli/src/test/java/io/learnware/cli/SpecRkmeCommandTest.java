package io.learnware.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code learnware spec rkme}, run in-process on the committed data fixtures. */
class SpecRkmeCommandTest {

  private static final String NL = System.lineSeparator();

  @TempDir Path tmp;

  @Test
  void digitsCsvWithItsLabelLeftOut() throws IOException {
    Path csv = TestFixtures.digitsWithHeader(tmp.resolve("digits.csv"));
    Path out = tmp.resolve("digits-rkme.json");

    CliRun run =
        CliRun.run("spec", "rkme", "--csv", csv.toString(), "--label", "label", "--out", out + "");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .isEqualTo(out + ": RKME of 1,797 rows × 64 features; 100 points, gamma 0.1" + NL);
    JsonNode rkme = read(out);
    assertThat(fieldNames(rkme))
        .containsExactly("type", "kernel", "gamma", "dimension", "numPoints", "z", "beta");
    assertThat(rkme.get("type").asText()).isEqualTo("rkme-table");
    assertThat(rkme.get("kernel").asText()).isEqualTo("gaussian");
    assertThat(rkme.get("gamma").asDouble()).isEqualTo(0.1);
    assertThat(rkme.get("dimension").asInt()).isEqualTo(64);
    assertThat(rkme.get("numPoints").asLong()).isEqualTo(1797);
    assertWeightedPoints(rkme, 100, 64);
    // The pixels are 0..16, and every reduced point sits among them.
    for (JsonNode point : rkme.get("z")) {
      for (JsonNode value : point) {
        assertThat(value.asDouble()).isBetween(-1e-6, 16 + 1e-6);
      }
    }
  }

  @Test
  void theOutputIsAValidStatisticalMemberOfASpecification() throws IOException {
    Path csv = TestFixtures.digitsWithHeader(tmp.resolve("digits.csv"));
    Path out = tmp.resolve("rkme.json");
    CliRun.run("spec", "rkme", "--csv", csv + "", "--label", "label", "--quiet", "--out", out + "");
    ObjectNode spec = (ObjectNode) read(TestFixtures.DIGITS_SPEC);

    spec.set("statistical", read(out));

    assertThat(new SpecValidator().validate(spec)).isEmpty();
  }

  @Test
  void optionsReachTheBuilderAndEqualSeedsGiveEqualFiles() throws IOException {
    Path csv = TestFixtures.digitsWithHeader(tmp.resolve("digits.csv"));
    Path first = tmp.resolve("first.json");
    Path second = tmp.resolve("second.json");
    List<String> options =
        List.of("--label", "label", "--points", "20", "--gamma", "0.05", "--seed", "7");

    CliRun a =
        CliRun.run(args(List.of("spec", "rkme", "--csv", csv + "", "--out", first + ""), options));
    CliRun b =
        CliRun.run(args(List.of("spec", "rkme", "--csv", csv + "", "--out", second + ""), options));

    assertThat(a.exitCode()).isZero();
    assertThat(b.exitCode()).isZero();
    JsonNode rkme = read(first);
    assertThat(rkme.get("gamma").asDouble()).isEqualTo(0.05);
    assertWeightedPoints(rkme, 20, 64);
    assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
  }

  @Test
  void fashionMnistImagesGoThroughTheImageFeatureMap() throws IOException {
    Path out = tmp.resolve("fashion-rkme.json");

    CliRun run =
        CliRun.run(
            "spec",
            "rkme",
            "--idx",
            TestFixtures.FASHION_IMAGES.toString(),
            "--quiet",
            "--out",
            out.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .isEqualTo(
            out
                + ": RKME of 10,000 images of 1×28×28 pixels, mapped to 64 features; 100 points,"
                + " gamma 0.1"
                + NL);
    JsonNode rkme = read(out);
    assertThat(rkme.get("dimension").asInt()).isEqualTo(64);
    assertThat(rkme.get("numPoints").asLong()).isEqualTo(10_000);
    assertWeightedPoints(rkme, 100, 64);
    assertThat(rkme.get("featureMap"))
        .isEqualTo(
            SpecDocuments.mapper()
                .readTree(
                    """
                    {"type": "image-sign-projection-v1", "channels": 1, "height": 28, "width": 28}
                    """));
  }

  @Test
  void aBadCellIsOneLineNamingLineAndColumn() throws IOException {
    Path csv = TestFixtures.digitsWithHeader(tmp.resolve("digits.csv"));
    List<String> lines = new ArrayList<>(Files.readAllLines(csv));
    String[] cells = lines.get(16).split(",");
    cells[4] = "abc";
    lines.set(16, String.join(",", cells));
    Files.write(csv, lines);
    Path out = tmp.resolve("never.json");

    CliRun run =
        CliRun.run("spec", "rkme", "--csv", csv + "", "--label", "label", "--out", out + "");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo("error: " + csv + " line 17, column 5 (\"p4\"): \"abc\" is not a number" + NL);
    assertThat(out).doesNotExist();
  }

  @Test
  void unreadableOrMislabelledInputIsInvalidInput() throws IOException {
    Path missing = tmp.resolve("missing.csv");
    Path csv = TestFixtures.digitsWithHeader(tmp.resolve("digits.csv"));
    Path out = tmp.resolve("out.json");

    CliRun noFile = CliRun.run("spec", "rkme", "--csv", missing + "", "--out", out + "");
    CliRun noColumn =
        CliRun.run("spec", "rkme", "--csv", csv + "", "--label", "digit", "--out", out + "");
    CliRun noHeader =
        CliRun.run("spec", "rkme", "--csv", TestFixtures.DIGITS_CSV + "", "--out", out + "");

    assertThat(noFile.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(noFile.err()).isEqualTo("error: " + missing + ": cannot read: no such file" + NL);
    assertThat(noColumn.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(noColumn.err())
        .startsWith("error: " + csv + " line 1: no column named \"digit\"; the header has 65");
    assertThat(noHeader.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(noHeader.err())
        .isEqualTo(
            "error: "
                + TestFixtures.DIGITS_CSV
                + " line 1: expected a header row naming the columns, found numbers (0, 0, 5, …)"
                + NL);
  }

  @Test
  void anOutputThatCannotBeWrittenIsAnIoFailure() throws IOException {
    Path csv = TestFixtures.digitsWithHeader(tmp.resolve("digits.csv"));
    Path blocker = Files.writeString(tmp.resolve("a-file"), "not a directory");
    Path out = blocker.resolve("rkme.json");

    CliRun run =
        CliRun.run(
            "spec", "rkme", "--csv", csv + "", "--label", "label", "--quiet", "--out", out + "");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.IO_FAILURE);
    assertThat(run.err()).startsWith("error: " + out + ": cannot write: ").doesNotContain("\tat ");
  }

  @Test
  void misusedOptionsAreUsageErrors() {
    String idx = TestFixtures.FASHION_IMAGES.toString();
    String out = tmp.resolve("out.json").toString();

    assertThat(CliRun.run("spec", "rkme", "--idx", idx, "--label", "y", "--out", out).err())
        .startsWith("--label applies to --csv only");
    assertThat(CliRun.run("spec", "rkme", "--idx", idx, "--csv", "x.csv", "--out", out).err())
        .contains("mutually exclusive");
    assertThat(CliRun.run("spec", "rkme", "--idx", idx, "--points", "0", "--out", out).err())
        .startsWith("--points must be at least 1");
    assertThat(CliRun.run("spec", "rkme", "--idx", idx, "--gamma", "-1", "--out", out).err())
        .startsWith("--gamma must be a positive number");
    assertThat(CliRun.run("spec", "rkme", "--idx", idx).err())
        .contains("Missing required option: '--out=FILE'");
    for (String[] args :
        List.of(
            new String[] {"spec", "rkme", "--idx", idx, "--label", "y", "--out", out},
            new String[] {"spec", "rkme", "--out", out},
            new String[] {"spec", "rkme", "--idx", idx, "--steps", "-1", "--out", out},
            new String[] {"spec", "rkme", "--csv", "x.csv", "--points", "many", "--out", out})) {
      assertThat(CliRun.run(args).exitCode()).as(String.join(" ", args)).isEqualTo(2);
    }
    assertThat(Path.of(out)).doesNotExist();
  }

  @Test
  void helpListsTheExitCodes() {
    CliRun run = CliRun.run("spec", "rkme", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("--csv=FILE", "--idx=FILE", "--label=COLUMN", "default: 100", "default: 3")
        .contains("Exit codes:")
        .containsPattern("\\n\\s*3\\s+network or I/O failure")
        .containsPattern("\\n\\s*4\\s+server failure");
  }

  private static void assertWeightedPoints(JsonNode rkme, int points, int dimension) {
    assertThat(rkme.get("numPoints").asLong()).isPositive();
    assertThat(rkme.get("z")).hasSize(points);
    rkme.get("z").forEach(point -> assertThat(point).hasSize(dimension));
    List<Double> beta =
        StreamSupport.stream(rkme.get("beta").spliterator(), false)
            .map(JsonNode::asDouble)
            .toList();
    assertThat(beta).hasSize(points).allSatisfy(b -> assertThat(b).isGreaterThanOrEqualTo(0));
    assertThat(beta.stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1, within(1e-9));
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String[] args(List<String> first, List<String> rest) {
    List<String> all = new ArrayList<>(first);
    all.addAll(rest);
    return all.toArray(String[]::new);
  }

  private static JsonNode read(Path file) throws IOException {
    return SpecDocuments.mapper().readTree(Files.readString(file));
  }
}
