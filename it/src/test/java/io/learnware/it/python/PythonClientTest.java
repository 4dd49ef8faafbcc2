package io.learnware.it.python;

import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.it.support.MarketFixture;
import io.learnware.spec.FeatureMapSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.data.IdxFiles;
import io.learnware.spec.rkme.ImageFeatureMap;
import io.learnware.spec.rkme.Rkme;
import io.learnware.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client ({@code clients/python}) against the packaged market: installs it with pip into
 * a virtual environment of Debian's python3 (offline, {@code --no-build-isolation}, as
 * docs/python.md says), writes the RKMEs the Java library (the CLI's code path) makes of the
 * digits, and runs the client's pytest suite, which compares them with its own and drives upload,
 * search, pull, data sets, jobs and errors. A stand-in worker validates uploads meanwhile (no model
 * runs). Every pytest test must pass and none may be skipped, but the PyTorch ones when PyTorch is
 * not installed.
 */
class PythonClientTest {

  @RegisterExtension static final MarketFixture market = new MarketFixture();

  private static final String PYTHON = System.getProperty("learnware.python", "/usr/bin/python3");

  @TempDir Path tmp;

  @Test
  void pythonClientSuitePassesAgainstTheMarket() throws Exception {
    Path client = Fixtures.path("../clients/python").normalize();
    assertThat(run(tmp, PYTHON, "-c", "import numpy, pytest").exitCode())
        .as(
            PYTHON
                + " needs NumPy and pytest: apt-get install python3-numpy python3-pytest python3-venv"
                + " python3-setuptools python3-wheel (bin/test does)")
        .isZero();

    // pip builds in place: install from a copy, so the worktree stays clean.
    Path source = tmp.resolve("client-source");
    copy(client, source);
    Path venv = tmp.resolve("venv");
    assertRan(run(tmp, PYTHON, "-m", "venv", "--system-site-packages", venv.toString()));
    Path python = venv.resolve("bin/python");
    assertRan(
        run(
            tmp,
            python.toString(),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-index",
            "--no-build-isolation",
            source.toString()));

    Path javaRkmes = Files.createDirectories(tmp.resolve("java-rkmes"));
    writeJavaRkmes(javaRkmes);

    String token = market.newUser("py");
    ScheduledExecutorService validator = Executors.newSingleThreadScheduledExecutor();
    Path report = tmp.resolve("pytest.xml");
    Run pytest;
    try {
      validator.scheduleWithFixedDelay(market::validateAll, 0, 200, TimeUnit.MILLISECONDS);
      pytest =
          run(
              tmp,
              Map.of(
                  "LEARNWARE_TEST_SERVER", market.uri().toString(),
                  "LEARNWARE_TEST_TOKEN", token,
                  "LEARNWARE_TEST_MARKET_DATA", market.dataDir().toString(),
                  "LEARNWARE_TEST_JAVA_RKMES", javaRkmes.toString(),
                  "LEARNWARE_TEST_FIXTURES", Fixtures.path("").toString(),
                  "PYTHONDONTWRITEBYTECODE", "1"),
              python.toString(),
              "-m",
              "pytest",
              "-p",
              "no:cacheprovider",
              "-rs",
              "-v",
              "--junitxml=" + report,
              client.resolve("tests").toString());
    } finally {
      validator.shutdownNow();
    }
    System.out.println(pytest.output());
    assertThat(pytest.exitCode()).as(pytest.output()).isZero();

    String xml = Files.readString(report);
    int tests = attribute(xml, "tests");
    int skipped = attribute(xml, "skipped");
    assertThat(tests).as(xml).isGreaterThanOrEqualTo(15);
    boolean torch = run(tmp, python.toString(), "-c", "import torch").exitCode() == 0;
    if (torch) {
      assertThat(skipped).as(pytest.output()).isZero();
    } else {
      assertThat(pytest.output().lines().filter(line -> line.startsWith("SKIPPED")))
          .as("only the PyTorch tests may be skipped")
          .allMatch(line -> line.contains("PyTorch"));
    }
  }

  /**
   * The RKMEs {@code learnware spec rkme --csv … --label label} writes (its code: CsvTables, then
   * Rkme's defaults) of the digits' training and test rows and of the test rows of digits 0–4 (also
   * written as a CSV for the Python side), 50 points herded from the test rows' RKME, and the RKME
   * {@code spec rkme --idx} writes of the Fashion-MNIST fixture's new-classes images.
   */
  private static void writeJavaRkmes(Path directory) throws Exception {
    Path test = Fixtures.path("data/digits-test.csv.gz");
    List<String> lines = gunzipLines(test);
    List<String> low = new ArrayList<>(List.of(lines.getFirst()));
    int label = List.of(lines.getFirst().split(",")).indexOf("label");
    lines.stream()
        .skip(1)
        .filter(line -> Integer.parseInt(line.split(",")[label]) < 5)
        .forEach(low::add);
    Path lowCsv = directory.resolve("digits-test-low.csv");
    Files.write(lowCsv, low, StandardCharsets.UTF_8);
    for (var entry :
        Map.of(
                "digits-train", Fixtures.path("data/digits-train.csv.gz"),
                "digits-test", test,
                "digits-test-low", lowCsv)
            .entrySet()) {
      CsvTables.Table table = CsvTables.read(entry.getValue(), "label", (done, total) -> {});
      Rkme rkme = Rkme.builder().setData(table.features()).build();
      Files.write(
          directory.resolve(entry.getKey() + ".json"),
          SpecDocuments.mapper().writeValueAsBytes(rkme.toSpec()));
      if (entry.getKey().equals("digits-test")) {
        Files.write(
            directory.resolve("digits-test-herd-50-seed-3.json"),
            SpecDocuments.mapper().writeValueAsBytes(rkme.herd(50, 3).toArrays()));
      }
    }
    // As `spec rkme --idx`: pixels / 255, the image feature map, then the table construction.
    IdxFiles.Images images =
        IdxFiles.readImages(
            Fixtures.path("data/fashion-mnist/new-classes-train-images-idx3-ubyte.gz"),
            (done, total) -> {});
    Rkme fashion =
        Rkme.builder()
            .setData(
                new ImageFeatureMap(images.channels(), images.height(), images.width())
                    .apply(images.pixels()))
            .build();
    Files.write(
        directory.resolve("fashion-new-classes.json"),
        SpecDocuments.mapper()
            .writeValueAsBytes(
                fashion
                    .toSpec()
                    .withFeatureMap(
                        FeatureMapSpec.imageSignProjection(
                            images.channels(), images.height(), images.width()))));
  }

  private static List<String> gunzipLines(Path file) throws IOException {
    try (var in = new GZIPInputStream(Files.newInputStream(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  private static int attribute(String xml, String name) {
    Matcher matcher = Pattern.compile("<testsuite [^>]*\\b" + name + "=\"(\\d+)\"").matcher(xml);
    assertThat(matcher.find()).as("pytest's report has " + name).isTrue();
    return Integer.parseInt(matcher.group(1));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path relative = from.relativize(file);
        if (IntStream.range(0, relative.getNameCount())
            .mapToObj(i -> relative.getName(i).toString())
            .anyMatch(
                part ->
                    part.equals("build")
                        || part.endsWith(".egg-info")
                        || part.equals("__pycache__"))) {
          continue;
        }
        Path target = to.resolve(relative.toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }

  private record Run(int exitCode, String output) {}

  private static void assertRan(Run run) {
    assertThat(run.exitCode()).as(run.output()).isZero();
  }

  private static Run run(Path directory, String... command)
      throws IOException, InterruptedException {
    return run(directory, Map.of(), command);
  }

  private static Run run(Path directory, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(directory, "run-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("LEARNWARE_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(15, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(String.join(" ", command) + " did not finish in 15 minutes");
    }
    return new Run(
        process.exitValue(),
        String.join(" ", command)
            + System.lineSeparator()
            + Files.readString(log).lines().collect(Collectors.joining(System.lineSeparator())));
  }
}
