package io.learnware.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.cli.FakeMarket.Answer;
import io.learnware.spec.SpecDocuments;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code upload}, {@code search} and {@code pull} against {@link FakeMarket}: the wire format of
 * uploads, the rendering of answers, and every failure's exit code and message.
 */
class ServerCommandsTest {

  private static final String NL = System.lineSeparator();
  private static final String VERSION = "/api/v1/learnwares/demo/digits/versions/";

  private final FakeMarket market = new FakeMarket();

  @TempDir Path tmp;

  @AfterEach
  void stop() {
    market.close();
  }

  @Test
  void uploadStreamsAMultipartBodyOfKnownLength() throws IOException {
    Path spec = Files.writeString(tmp.resolve("spec.json"), "{\"specVersion\": 1}");
    Path model = Files.write(tmp.resolve("model.pt"), new byte[] {0, 1, 2, (byte) 255});
    Path features = Files.writeString(tmp.resolve("features.pt"), "features");
    market.on(
        "POST",
        "/api/v1/learnwares/demo/digits/versions",
        Answer.json(
            201,
            """
            {"owner": "demo", "name": "digits", "version": 3, "sha256": "ab12", "state": "PENDING",
             "unknown": true}"""));

    CliRun run =
        run(
            "upload",
            "demo/digits",
            "--token",
            "lw_secret",
            "--spec",
            spec + "",
            "--model",
            model + "",
            "--file",
            features + "",
            "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualToIgnoringWhitespace(
            """
            {"owner": "demo", "name": "digits", "version": 3, "sha256": "ab12", "state": "PENDING"}
            """);
    FakeMarket.Received request = market.received().getFirst();
    assertThat(request.headers().get("Authorization")).containsExactly("Bearer lw_secret");
    assertThat(request.headers().get("Content-Length"))
        .containsExactly(Integer.toString(request.body().length));
    Matcher boundary =
        Pattern.compile("multipart/form-data; boundary=(learnware-[0-9a-f]{32})")
            .matcher(request.headers().get("Content-Type").getFirst());
    assertThat(boundary.matches()).isTrue();
    String b = boundary.group(1);
    String body = new String(request.body(), StandardCharsets.ISO_8859_1);
    assertThat(body)
        .isEqualTo(
            part(b, "spec", "spec.json", "application/json", "{\"specVersion\": 1}")
                + part(b, "model", "model.pt", "application/octet-stream", "\0\1\2\u00ff")
                + part(b, "file", "features.pt", "application/octet-stream", "features")
                + "--"
                + b
                + "--\r\n");
  }

  @Test
  void uploadOfAMissingFileSendsNothing() {
    Path spec = tmp.resolve("spec.json");

    CliRun run = run("upload", "demo/digits", "--spec", spec + "", "--model", spec + "");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(run.err()).isEqualTo("error: " + spec + ": no such readable file" + NL);
    assertThat(market.received()).isEmpty();
  }

  @Test
  void searchPrintsMatchesAndTheMixtureAndSendsOnlyWhatWasAsked() throws IOException {
    Path rkme = Files.writeString(tmp.resolve("spec.json"), "{\"statistical\": {\"type\": \"x\"}}");
    market.on(
        "POST",
        "/api/v1/search",
        Answer.json(
            200,
            """
            {"single": [{"learnware": "demo/digits-low@1", "title": "Digits 0-4", "score": 0.98765,
                         "mmd": 0.0012345, "owner": "demo"},
                        {"learnware": "demo/digits-high@2", "score": 0.5, "mmd": 0.25}],
             "mixture": {"items": [{"learnware": "demo/digits-low@1", "weight": 0.625},
                                   {"learnware": "demo/digits-high@2", "weight": 0.375}],
                         "mmd": 0.0001, "score": 0.999},
             "total": 7, "offset": 0, "limit": 2}"""));

    CliRun run =
        run(
            "search", "--q", "digits", "--tag", "a", "--tag", "b", "--stat", rkme + "", "--limit",
            "2");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo(
            String.join(
                NL,
                "RANK  LEARNWARE             SCORE        MMD  TITLE",
                "   1  demo/digits-low@1    0.9877   0.001235  Digits 0-4",
                "   2  demo/digits-high@2   0.5000   0.250000  ",
                "(2 of 7 matches)",
                "",
                "mixture: score 0.9990, mmd 0.000100",
                "  demo/digits-low@1  weight 0.6250",
                "  demo/digits-high@2  weight 0.3750",
                ""));
    assertThat(new String(market.received().getFirst().body(), StandardCharsets.UTF_8))
        .isEqualToIgnoringWhitespace(
            """
            {"q": "digits", "filters": {"tags": ["a", "b"]}, "statistical": {"type": "x"},
             "limit": 2}""");
  }

  @Test
  void searchJsonKeepsMembersTheClientDoesNotKnow() throws IOException {
    String answer =
        """
        {"single": [{"learnware": "demo/a@1", "score": 1.0, "version": 1, "tags": ["x"]}],
         "total": 1, "offset": 0, "limit": 10, "took": {"ms": 3}}""";
    market.on("POST", "/api/v1/search", Answer.json(200, answer));

    CliRun run = run("search", "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(SpecDocuments.mapper().readTree(run.out()))
        .isEqualTo(SpecDocuments.mapper().readTree(answer));
    assertThat(new String(market.received().getFirst().body(), StandardCharsets.UTF_8))
        .isEqualTo("{}");
  }

  @Test
  void bytesThatDoNotMatchTheirHashAreDroppedWithExitCode4() throws IOException {
    byte[] model = "the real model".getBytes(StandardCharsets.UTF_8);
    String sha = sha256(model);
    market
        .on("GET", VERSION + "latest", Answer.json(200, version(sha)))
        .on(
            "GET",
            VERSION + "4/artifact",
            new Answer(
                200,
                Map.of("ETag", "\"" + sha + "\""),
                "a tampered model".getBytes(StandardCharsets.UTF_8)));
    Path out = tmp.resolve("out");
    Path cache = tmp.resolve("cache");

    CliRun run = run("pull", "demo/digits", "--out", out + "", "--cache", cache + "");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.SERVER_FAILURE);
    assertThat(run.err())
        .isEqualTo(
            "error: %s%s4/artifact: the downloaded bytes have SHA-256 %s, the market announced %s%s"
                .formatted(
                    market.url(),
                    VERSION,
                    sha256("a tampered model".getBytes(StandardCharsets.UTF_8)),
                    sha,
                    NL));
    assertThat(out.resolve("model.pt")).doesNotExist();
    try (Stream<Path> blobs = Files.list(cache.resolve("blobs"))) {
      assertThat(blobs).isEmpty();
    }
  }

  @Test
  void theModelIsFetchedByTheResolvedVersionNumber() throws IOException {
    byte[] model = "the real model".getBytes(StandardCharsets.UTF_8);
    market
        .on("GET", VERSION + "prod", Answer.json(200, version(sha256(model))))
        .on("GET", VERSION + "4/artifact", new Answer(200, Map.of(), model));
    Path out = tmp.resolve("out");

    CliRun run =
        run("pull", "demo/digits@prod", "--out", out + "", "--cache", tmp.resolve("c") + "");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("pulled demo/digits@4 into " + out + NL);
    assertThat(out.resolve("model.onnx")).hasBinaryContent(model);
    assertThat(out.resolve("spec.json")).content().contains("\"specVersion\" : 1");
    assertThat(market.received().stream().map(FakeMarket.Received::path))
        .containsExactly(VERSION + "prod", VERSION + "4/artifact");
    assertThat(market.received().get(1).headers().get("Accept").getFirst())
        .startsWith("application/octet-stream");
  }

  @Test
  void aPublishedEnsembleIsPulledAsEnsembleJsonAndShownWithItsMembers() throws IOException {
    byte[] manifest = "{\"ensembleVersion\": 1}".getBytes(StandardCharsets.UTF_8);
    String low = "a".repeat(64);
    String high = "b".repeat(64);
    String ensemble =
        version(sha256(manifest))
            .replace("\"onnx\"", "\"ensemble\"")
            .replace(
                "\"spec\": {\"specVersion\": 1}",
                """
                "spec": {"specVersion": 1, "name": "Both halves", "dataType": "table",
                         "task": "classification", "input": {"dimension": 64},
                         "output": {"dimension": 10}, "model": {"format": "ensemble"}},
                "lineage": {"parents": [
                    {"learnware": "demo/low@1", "relation": "combined", "job": "j1"},
                    {"learnware": "demo/high@2", "relation": "combined", "job": "j1"}],
                  "children": [{"learnware": "demo/student@1", "relation": "distilled"}]},
                "ensemble": {"method": "selector", "task": "classification", "members": [
                    {"learnware": "demo/low@1", "sha256": "%s"},
                    {"learnware": "demo/high@2", "sha256": "%s"}]},
                "reports": [{"type": "validate", "report": {"usable": true}}]"""
                    .formatted(low, high));
    market
        .on("GET", VERSION + "latest", Answer.json(200, ensemble))
        .on("GET", VERSION + "4/artifact", new Answer(200, Map.of(), manifest));
    Path out = tmp.resolve("out");

    CliRun pull = run("pull", "demo/digits", "--out", out + "", "--cache", tmp.resolve("c") + "");
    CliRun show = run("show", "demo/digits");

    assertThat(pull.exitCode()).as(pull.err()).isZero();
    assertThat(out.resolve("ensemble.json")).hasBinaryContent(manifest);
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out())
        .isEqualTo(
            String.join(
                NL,
                "demo/digits@4 (USABLE): Both halves",
                "  table classification, 64 inputs, 10 outputs",
                "  model: ensemble, 14 bytes, sha256 " + sha256(manifest),
                "  aliases: latest, prod",
                "  ensemble: selector of 2 members (classification)",
                "    1. demo/low@1   sha256 " + low,
                "    2. demo/high@2  sha256 " + high,
                "  combined from: demo/low@1, demo/high@2",
                "  distilled into: demo/student@1",
                "  reports: validate",
                ""));
  }

  @Test
  void serverErrorsAreExitCode4WithTheProblemOrTheBodysFirstLine() {
    market
        .on(
            "POST",
            "/api/v1/search",
            Answer.json(
                503,
                "{\"type\": \"urn:x\", \"title\": \"Service unavailable\", \"status\": 503,"
                    + " \"detail\": \"Index is loading.\"}"))
        .on(
            "GET",
            VERSION + "latest",
            new Answer(
                502,
                Map.of("Content-Type", "text/html"),
                "<html>Bad gateway</html>\n<p>nginx</p>".getBytes(StandardCharsets.UTF_8)));

    CliRun search = run("search", "--q", "x");
    CliRun pull = run("pull", "demo/digits", "--out", tmp + "", "--cache", tmp + "");

    assertThat(search.exitCode()).isEqualTo(ExitCodes.SERVER_FAILURE);
    assertThat(search.err())
        .isEqualTo("error: Service unavailable (HTTP 503): Index is loading." + NL);
    assertThat(pull.exitCode()).isEqualTo(ExitCodes.SERVER_FAILURE);
    assertThat(pull.err()).isEqualTo("error: HTTP 502: <html>Bad gateway</html>" + NL);
  }

  @Test
  void answersThatBreakTheApiAreExitCode4() {
    market
        .on("POST", "/api/v1/search", Answer.json(200, "{\"single\": 7}"))
        .on("GET", VERSION + "latest", Answer.json(200, version("not-a-hash")));

    CliRun search = run("search");
    CliRun pull = run("pull", "demo/digits", "--out", tmp + "", "--cache", tmp + "");

    assertThat(search.exitCode()).isEqualTo(ExitCodes.SERVER_FAILURE);
    assertThat(search.err())
        .startsWith("error: " + market.url() + "/api/v1/search: the answer is not the JSON");
    assertThat(pull.exitCode()).isEqualTo(ExitCodes.SERVER_FAILURE);
    assertThat(pull.err())
        .isEqualTo(
            "error: %s%s4/artifact: the listed SHA-256 'not-a-hash' is not 64 hexadecimal digits%s"
                .formatted(market.url(), VERSION, NL));
  }

  @Test
  void anUnreachableServerIsExitCode3() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String server = "http://127.0.0.1:" + closedPort;

    CliRun run =
        CliRun.run(
            "pull", "demo/digits", "--server", server, "--out", tmp + "", "--cache", tmp + "");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.IO_FAILURE);
    assertThat(run.err())
        .startsWith("error: GET " + server + VERSION + "latest: ")
        .doesNotContain("\tat ");
  }

  @Test
  void malformedArgumentsAreUsageErrors() {
    assertThat(run("pull", "Demo/digits").err())
        .startsWith("invalid owner 'Demo': lowercase letters, digits and '-'");
    assertThat(run("pull", "digits").err())
        .startsWith("'digits' is not a learnware: expected owner/name or owner/name@version");
    assertThat(run("upload", "demo/digits@2", "--spec", "s", "--model", "m").err())
        .startsWith("'demo/digits@2': give owner/name; the market numbers versions");
    assertThat(CliRun.run("search", "--server", "ftp://example.org").err())
        .startsWith("--server: the server must be an http:// or https:// URL");
    for (List<String> args :
        List.of(
            List.of("pull", "demo/digits@"),
            List.of("search", "--limit", "0"),
            List.of("search", "--offset", "-1"),
            List.of("upload", "demo/digits", "--spec", "s"))) {
      assertThat(run(args.toArray(String[]::new)).exitCode()).as(args.toString()).isEqualTo(2);
    }
    assertThat(market.received()).isEmpty();
  }

  /** Runs the CLI with {@code --server} pointing at the fake market. */
  private CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(1, "--server=" + market.url());
    return CliRun.run(all.toArray(String[]::new));
  }

  private static String part(
      String boundary, String name, String filename, String type, String content) {
    return "--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n%s\r\n"
        .formatted(boundary, name, filename, type, content);
  }

  private static String version(String modelSha) {
    return """
        {"learnware": "demo/digits@4", "owner": "demo", "name": "digits", "version": 4,
         "state": "USABLE", "aliases": ["latest", "prod"],
         "model": {"format": "onnx", "sha256": "%s", "size": 14}, "files": [],
         "spec": {"specVersion": 1}}"""
        .formatted(modelSha);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
