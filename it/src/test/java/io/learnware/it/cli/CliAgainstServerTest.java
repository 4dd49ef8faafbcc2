package io.learnware.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.LearnwareRef;
import io.learnware.client.Sha256;
import io.learnware.client.TransferListener;
import io.learnware.client.UploadResult;
import io.learnware.client.VersionInfo;
import io.learnware.it.support.Cli;
import io.learnware.it.support.Cli.Run;
import io.learnware.it.support.MarketFixture;
import io.learnware.spec.SpecDocuments;
import io.learnware.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code learnware} command line, run in-process through its picocli entry point, against the
 * packaged market: upload, pull (verified and cached), search by text and by RKMEs that the CLI
 * computed itself.
 */
class CliAgainstServerTest {

  @RegisterExtension static final MarketFixture market = new MarketFixture();

  private static final String NL = System.lineSeparator();

  @TempDir Path tmp;

  @Test
  void uploadThenPullVerifiesTheBytesAndServesThemFromTheCacheNextTime() throws IOException {
    String token = market.newUser("cli");
    String owner = market.usernameOf(token);
    String modelSha = Sha256.of(Fixtures.bytes(Fixtures.DIGITS_MODEL));
    Path cache = tmp.resolve("cache");

    Run upload = Cli.uploadDigits(market, token, owner + "/digits");

    assertThat(upload.exitCode()).as(upload.err()).isZero();
    assertThat(upload.out())
        .isEqualTo("uploaded " + owner + "/digits@1 (PENDING), model sha256 " + modelSha + NL);
    assertThat(upload.err()).isEmpty();

    Path first = tmp.resolve("first");
    Run pull =
        cli("pull", owner + "/digits", "--out", first.toString(), "--cache", cache.toString());

    assertThat(pull.exitCode()).as(pull.err()).isZero();
    assertThat(pull.out().lines())
        .hasSize(4)
        .first()
        .isEqualTo("pulled " + owner + "/digits@1 into " + first);
    assertThat(pull.out()).doesNotContain("from cache");
    assertThat(Sha256.of(first.resolve("model.pt"))).isEqualTo(modelSha);
    assertThat(first.resolve("features.pt"))
        .hasBinaryContent(Fixtures.bytes(Fixtures.DIGITS_FEATURES));
    assertThat(SpecDocuments.mapper().readTree(first.resolve("spec.json").toFile()))
        .isEqualTo(SpecDocuments.mapper().readTree(Fixtures.text(Fixtures.DIGITS_SPEC)));
    Path blob = cache.resolve("blobs").resolve(modelSha);
    assertThat(blob).hasBinaryContent(Fixtures.bytes(Fixtures.DIGITS_MODEL));
    try (var entries = Files.list(cache.resolve("blobs"))) {
      // The model and the feature extractor; no partial downloads left behind.
      assertThat(entries.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(modelSha, Sha256.of(Fixtures.bytes(Fixtures.DIGITS_FEATURES)));
    }

    Path second = tmp.resolve("second");
    Run again =
        cli(
            "pull",
            owner + "/digits@latest",
            "--out",
            second.toString(),
            "--cache",
            cache.toString(),
            "--json");

    assertThat(again.exitCode()).as(again.err()).isZero();
    JsonNode result = SpecDocuments.mapper().readTree(again.out());
    assertThat(result.get("ref").asText()).isEqualTo(owner + "/digits@1");
    assertThat(result.get("directory").asText()).isEqualTo(second.toString());
    assertThat(result.at("/files/1/role").asText()).isEqualTo("model");
    assertThat(result.at("/files/1/path").asText()).isEqualTo(second.resolve("model.pt") + "");
    assertThat(result.at("/files/1/sha256").asText()).isEqualTo(modelSha);
    assertThat(result.at("/files/1/fromCache").asBoolean()).isTrue();
    assertThat(result.at("/files/2/fromCache").asBoolean()).isTrue();
    assertThat(Sha256.of(second.resolve("model.pt"))).isEqualTo(modelSha);
  }

  @Test
  void theClientLibraryReadsVersionsAndSpecs() throws Exception {
    String token = market.newUser("library");
    String owner = market.usernameOf(token);
    Path cache = tmp.resolve("cache");
    try (LearnwareClient client =
        LearnwareClient.builder(market.uri()).token(token).cache(cache).build()) {
      UploadResult uploaded =
          client.upload(
              owner,
              "digits",
              Fixtures.path(Fixtures.DIGITS_SPEC),
              Fixtures.path(Fixtures.DIGITS_MODEL),
              List.of(Fixtures.path(Fixtures.DIGITS_FEATURES)),
              TransferListener.none());
      LearnwareRef latest = LearnwareRef.parse(owner + "/digits");

      VersionInfo version = client.version(latest);
      JsonNode spec = client.spec(latest);

      assertThat(uploaded.ref()).isEqualTo(latest.at("1"));
      assertThat(version.learnware()).isEqualTo(owner + "/digits@1");
      assertThat(version.state()).isEqualTo("PENDING");
      assertThat(version.aliases()).containsExactly("latest");
      assertThat(version.model().format()).isEqualTo("torchscript");
      assertThat(version.model().sha256()).isEqualTo(uploaded.sha256());
      assertThat(version.files())
          .extracting(VersionInfo.Artifact::filename, VersionInfo.Artifact::size)
          .containsExactly(
              tuple("features.pt", (long) Fixtures.bytes(Fixtures.DIGITS_FEATURES).length));
      assertThat(spec)
          .isEqualTo(version.spec())
          .isEqualTo(SpecDocuments.mapper().readTree(Fixtures.text(Fixtures.DIGITS_SPEC)));
      assertThatExceptionOfType(LearnwareApiException.class)
          .isThrownBy(() -> client.spec(latest.at("2")))
          .satisfies(
              missing -> {
                assertThat(missing.status()).isEqualTo(404);
                assertThat(missing.problem().type()).isEqualTo("urn:learnware:problem:not-found");
                assertThat(missing.problem().detail())
                    .isEqualTo(owner + "/digits has no version 2.");
              });
    }
  }

  @Test
  void aDamagedCacheEntryIsDownloadedAgain() throws IOException {
    String token = market.newUser("cache");
    String owner = market.usernameOf(token);
    market.uploadDigits(token, owner, "digits").then().statusCode(201);
    String modelSha = Sha256.of(Fixtures.bytes(Fixtures.DIGITS_MODEL));
    Path cache = tmp.resolve("cache");
    assertThat(
            cli("pull", owner + "/digits", "--out", tmp.resolve("a") + "", "--cache", cache + "")
                .exitCode())
        .isZero();
    Path blob = cache.resolve("blobs").resolve(modelSha);
    Files.writeString(blob, "damaged");

    Run pull =
        cli("pull", owner + "/digits@1", "--out", tmp.resolve("b") + "", "--cache", cache + "");

    assertThat(pull.exitCode()).as(pull.err()).isZero();
    assertThat(pull.out().lines().filter(line -> line.contains("model.pt")))
        .singleElement()
        .asString()
        .doesNotContain("from cache");
    assertThat(pull.out().lines().filter(line -> line.contains("features.pt")))
        .singleElement()
        .asString()
        .endsWith("(from cache)");
    assertThat(Sha256.of(tmp.resolve("b/model.pt"))).isEqualTo(modelSha);
    assertThat(blob).hasBinaryContent(Fixtures.bytes(Fixtures.DIGITS_MODEL));
  }

  @Test
  void aBadTokenIsRefusedWithTheProblemsTitle() {
    String owner = market.usernameOf(market.newUser("refused"));

    Run run =
        cli(
            "upload",
            owner + "/digits",
            "--token",
            "lw_not-a-token",
            "--spec",
            Fixtures.path(Fixtures.DIGITS_SPEC).toString(),
            "--model",
            Fixtures.path(Fixtures.DIGITS_MODEL).toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "error: Unauthorized (HTTP 401): A valid API token is required: send 'Authorization:"
                + " Bearer <token>'."
                + NL);
  }

  @Test
  void theServersViolationsArePrintedWithTheirPointers() throws IOException {
    String token = market.newUser("invalid");
    String owner = market.usernameOf(token);
    ObjectNode spec = Fixtures.json(Fixtures.text(Fixtures.DIGITS_SPEC));
    spec.put("dataType", "audio");
    Path file = Files.writeString(tmp.resolve("spec.json"), spec.toString());

    Run run =
        cli(
            "upload",
            owner + "/digits",
            "--token",
            token,
            "--quiet",
            "--spec",
            file.toString(),
            "--model",
            Fixtures.path(Fixtures.DIGITS_MODEL).toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines().toList())
        .first()
        .asString()
        .startsWith("error: Invalid input (HTTP 400)");
    assertThat(run.err().lines()).anyMatch(line -> line.startsWith("  /spec/dataType: "));
  }

  @Test
  void pullingWhatDoesNotExistIsInvalidInput() {
    String owner = market.usernameOf(market.newUser("nothing"));

    Run run =
        cli(
            "pull",
            owner + "/nothing-here",
            "--out",
            tmp + "",
            "--cache",
            tmp.resolve("cache") + "");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo("error: Not found (HTTP 404): No learnware " + owner + "/nothing-here." + NL);
  }

  @Test
  void searchByText() {
    String token = market.newUser("words");
    String owner = market.usernameOf(token);
    market.uploadDigits(token, owner, "digits").then().statusCode(201);
    market.validateAll();

    Run found = cli("search", "--q", "handwritten", "--owner", owner);
    Run tagged = cli("search", "--tag", "handwriting", "--owner", owner, "--json");
    Run none = cli("search", "--q", "sentiment", "--owner", owner);

    assertThat(found.exitCode()).as(found.err()).isZero();
    List<String> lines = found.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).split("\\s+"))
        .containsExactly("RANK", "LEARNWARE", "SCORE", "MMD", "TITLE");
    assertThat(lines.get(1))
        .matches(" +1  " + owner + "/digits@1 +0\\.\\d{4} +-  Handwritten digits MLP");
    assertThat(tagged.exitCode()).as(tagged.err()).isZero();
    JsonNode json = Cli.json(tagged.out());
    assertThat(json.at("/single/0/learnware").asText()).isEqualTo(owner + "/digits@1");
    assertThat(json.at("/single/0/score").asDouble()).isEqualTo(1.0);
    assertThat(json.get("total").asInt()).isEqualTo(1);
    // Members the client has no field for come through unchanged.
    assertThat(json.at("/single/0/dataType").asText()).isEqualTo("table");
    assertThat(json.at("/single/0/version").asInt()).isEqualTo(1);
    assertThat(none.out()).isEqualTo("no matches" + NL);
  }

  @Test
  void searchByTheRkmesTheCliComputes() throws IOException {
    String token = market.newUser("stats");
    String owner = market.usernameOf(token);
    List<String> rows = digitsInModelScale();
    Path low = csv("low.csv", rows, label -> label < 5);
    Path high = csv("high.csv", rows, label -> label >= 5);
    Path all = csv("all.csv", rows, label -> true);
    upload(token, owner, "digits-low", "Digits 0-4", rkme(low, "0"));
    upload(token, owner, "digits-high", "Digits 5-9", rkme(high, "0"));
    market.validateAll();

    // The same rows summarised from another k-means sample: close to digits-low, not equal.
    Run lowQuery = cli("search", "--stat", rkme(low, "1").toString(), "--owner", owner);
    Run allQuery = cli("search", "--stat", rkme(all, "0").toString(), "--owner", owner, "--json");

    assertThat(lowQuery.exitCode()).as(lowQuery.err()).isZero();
    List<String> lines = lowQuery.out().lines().toList();
    assertThat(lines.get(1)).contains(owner + "/digits-low@1", "Digits 0-4");
    assertThat(lines.get(2)).contains(owner + "/digits-high@1");
    double bestScore = Double.parseDouble(lines.get(1).trim().split("\\s+")[2]);
    double otherScore = Double.parseDouble(lines.get(2).trim().split("\\s+")[2]);
    assertThat(bestScore).isGreaterThan(0.9).isGreaterThan(otherScore);

    assertThat(allQuery.exitCode()).as(allQuery.err()).isZero();
    JsonNode result = Cli.json(allQuery.out());
    assertThat(result.get("total").asInt()).isEqualTo(2);
    List<String> mixed = new ArrayList<>();
    result.at("/mixture/items").forEach(item -> mixed.add(item.get("learnware").asText()));
    assertThat(mixed).containsExactlyInAnyOrder(owner + "/digits-low@1", owner + "/digits-high@1");
    assertThat(result.at("/mixture/score").asDouble())
        .isGreaterThan(result.at("/single/0/score").asDouble());
  }

  /** The digits rows with their 64 pixels scaled to 0..1, the model's input; label last. */
  private static List<String> digitsInModelScale() throws IOException {
    String text;
    try (InputStream in =
        new GZIPInputStream(Files.newInputStream(Fixtures.path("data/digits.csv.gz")))) {
      text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
    return text.lines()
        .map(
            line -> {
              String[] cells = line.split(",");
              StringBuilder row = new StringBuilder();
              for (int c = 0; c < 64; c++) {
                row.append(String.format(Locale.ROOT, "%.4f,", Integer.parseInt(cells[c]) / 16.0));
              }
              return row.append(cells[64]).toString();
            })
        .toList();
  }

  private Path csv(String name, List<String> rows, IntPredicate label) throws IOException {
    String header =
        IntStream.range(0, 64).mapToObj(i -> "p" + i).collect(Collectors.joining(",")) + ",label";
    List<String> lines = new ArrayList<>(List.of(header));
    rows.stream()
        .filter(row -> label.test(Integer.parseInt(row.substring(row.lastIndexOf(',') + 1))))
        .forEach(lines::add);
    return Files.write(tmp.resolve(name), lines);
  }

  /** Runs {@code spec rkme} on {@code csv}; returns the RKME file. */
  private Path rkme(Path csv, String seed) {
    Path out = tmp.resolve(csv.getFileName() + "-seed" + seed + ".json");
    Run run =
        cli(
            "spec",
            "rkme",
            "--csv",
            csv.toString(),
            "--label",
            "label",
            "--seed",
            seed,
            "--quiet",
            "--out",
            out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    return out;
  }

  private void upload(String token, String owner, String name, String title, Path rkme)
      throws IOException {
    ObjectNode spec = Fixtures.json(Fixtures.text(Fixtures.DIGITS_SPEC));
    spec.put("name", title);
    spec.set("statistical", SpecDocuments.mapper().readTree(rkme.toFile()));
    Path file = Files.writeString(tmp.resolve(name + ".json"), spec.toString());
    Run run =
        cli(
            "upload",
            owner + "/" + name,
            "--token",
            token,
            "--quiet",
            "--spec",
            file.toString(),
            "--model",
            Fixtures.path(Fixtures.DIGITS_MODEL).toString(),
            "--file",
            Fixtures.path(Fixtures.DIGITS_FEATURES).toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
  }

  private static Run cli(String... args) {
    return Cli.run(market, null, args);
  }
}
