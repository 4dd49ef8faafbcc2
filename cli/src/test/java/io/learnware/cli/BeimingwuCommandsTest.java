package io.learnware.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.cli.FakeMarket.Answer;
import io.learnware.spec.RkmeDocuments;
import io.learnware.spec.RkmeSpec;
import io.learnware.spec.SpecDocuments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's Beimingwu interchange ({@code spec rkme --format beimingwu}, {@code pull --format
 * beimingwu}) and the positional query of {@code search}.
 */
class BeimingwuCommandsTest {

  private static final String NL = System.lineSeparator();

  private final FakeMarket market = new FakeMarket();

  @TempDir Path tmp;

  @AfterEach
  void stop() {
    market.close();
  }

  @Test
  void specRkmeWritesBeimingwusJsonWithTheSameNumbers() throws IOException {
    Path csv = TestFixtures.digitsWithHeader(tmp.resolve("digits.csv"));
    Path canonical = tmp.resolve("canonical.json");
    Path beimingwu = tmp.resolve("beimingwu.json");

    CliRun a =
        CliRun.run(
            "spec",
            "rkme",
            "--csv",
            csv + "",
            "--label",
            "label",
            "--quiet",
            "--out",
            canonical + "");
    CliRun b =
        CliRun.run(
            "spec",
            "rkme",
            "--csv",
            csv + "",
            "--label",
            "label",
            "--quiet",
            "--out",
            beimingwu + "",
            "--format",
            "beimingwu");

    assertThat(a.exitCode()).as(a.err()).isZero();
    assertThat(b.exitCode()).as(b.err()).isZero();
    JsonNode saved = SpecDocuments.mapper().readTree(beimingwu.toFile());
    List<String> names = new ArrayList<>();
    saved.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("z", "beta", "gamma", "num_points", "type");
    assertThat(saved.get("type").asText()).isEqualTo("RKMETableSpecification");
    assertThat(saved.get("num_points").asInt()).isEqualTo(1797);
    // Read back, it is the canonical document the default format wrote.
    RkmeSpec back =
        SpecDocuments.mapper().treeToValue(RkmeDocuments.normalize(saved), RkmeSpec.class);
    assertThat(back)
        .isEqualTo(SpecDocuments.mapper().readValue(canonical.toFile(), RkmeSpec.class));
  }

  @Test
  void specRkmeRefusesAnUnknownFormat() throws IOException {
    Path csv = TestFixtures.digitsWithHeader(tmp.resolve("digits.csv"));

    CliRun run =
        CliRun.run(
            "spec",
            "rkme",
            "--csv",
            csv + "",
            "--out",
            tmp.resolve("x.json") + "",
            "--format",
            "pickle");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--format must be canonical or beimingwu");
  }

  @Test
  void searchTakesItsWordsAsAnArgumentOrWithQ() {
    market.on(
        "POST",
        "/api/v1/search",
        Answer.json(200, "{\"single\": [], \"total\": 0, \"offset\": 0, \"limit\": 10}"));

    CliRun positional = run("search", "digits");
    CliRun option = run("search", "--q", "digits");
    CliRun both = run("search", "digits", "--q", "cats");

    assertThat(positional.exitCode()).as(positional.err()).isZero();
    assertThat(positional.out()).isEqualTo("no matches" + NL);
    assertThat(option.exitCode()).as(option.err()).isZero();
    assertThat(market.received()).hasSize(2);
    for (FakeMarket.Received request : market.received()) {
      assertThat(new String(request.body(), StandardCharsets.UTF_8))
          .isEqualTo("{\"q\":\"digits\"}");
    }
    assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("give the words once");
  }

  @Test
  void pullWithFormatBeimingwuSavesTheMarketsZip() throws IOException {
    byte[] zip = {'P', 'K', 3, 4, 1, 2, 3};
    market
        .on(
            "GET",
            "/api/v1/learnwares/demo/digits/versions/latest",
            Answer.json(
                200,
                """
                {"learnware": "demo/digits@4", "owner": "demo", "name": "digits", "version": 4,
                 "state": "USABLE", "model": {"format": "torchscript", "sha256": "ab", "size": 3},
                 "files": [], "spec": {"specVersion": 1}}"""))
        .on(
            "GET",
            "/api/v1/learnwares/demo/digits/versions/4/download",
            new Answer(200, Map.of("Content-Type", "application/zip"), zip));
    Path out = tmp.resolve("out");

    CliRun run = run("pull", "demo/digits", "--format", "beimingwu", "--out", out + "", "--quiet");

    assertThat(run.exitCode()).as(run.err()).isZero();
    Path file = out.resolve("demo-digits-v4-beimingwu.zip");
    assertThat(Files.readAllBytes(file)).isEqualTo(zip);
    assertThat(run.out()).startsWith("pulled demo/digits@4 into " + out + NL);
    assertThat(market.received().getLast().query()).isEqualTo("format=beimingwu");
  }

  @Test
  void pullWithFormatBeimingwuReportsTheMarketsRefusal() {
    market
        .on(
            "GET",
            "/api/v1/learnwares/demo/digits/versions/latest",
            Answer.json(
                200,
                """
                {"learnware": "demo/digits@4", "owner": "demo", "name": "digits", "version": 4,
                 "state": "USABLE", "model": {"format": "djl", "sha256": "ab", "size": 3},
                 "files": [], "spec": {"specVersion": 1}}"""))
        .on(
            "GET",
            "/api/v1/learnwares/demo/digits/versions/4/download",
            Answer.json(
                409,
                """
                {"title": "Conflict", "status": 409,
                 "detail": "demo/digits@4 is a djl model; Beimingwu zips hold TorchScript or ONNX models only."}"""));

    CliRun run = run("pull", "demo/digits", "--format", "beimingwu", "--out", tmp + "", "--quiet");

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("Beimingwu zips hold TorchScript or ONNX models only");
  }

  private CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(1, "--server=" + market.url());
    return CliRun.run(all.toArray(String[]::new));
  }
}
