package io.learnware.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

/** The committed fixtures under {@code fixtures/} (see fixtures/README.md). */
final class TestFixtures {

  static final Path ROOT = locate();
  static final Path DIGITS_SPEC = ROOT.resolve("digits-mlp/spec.json");
  static final Path DIGITS_CSV = ROOT.resolve("data/digits.csv.gz");
  static final Path FASHION_IMAGES = ROOT.resolve("data/fashion-mnist/t10k-images-idx3-ubyte.gz");

  private TestFixtures() {}

  /**
   * The digits data with the header {@code p0,…,p63,label} that the fixture lacks, written to
   * {@code file}.
   */
  static Path digitsWithHeader(Path file) {
    String header =
        IntStream.range(0, 64).mapToObj(i -> "p" + i).collect(Collectors.joining(",")) + ",label\n";
    try (InputStream in = new GZIPInputStream(Files.newInputStream(DIGITS_CSV))) {
      return Files.writeString(
          file, header + new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path locate() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("fixtures/digits-mlp"))) {
        return dir.resolve("fixtures");
      }
    }
    throw new IllegalStateException("fixtures/ not found above " + Path.of("").toAbsolutePath());
  }
}
