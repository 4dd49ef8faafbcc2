package io.learnware.spec.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** The committed data fixtures, and variations of them written to a test's temporary directory. */
final class TestFiles {

  static final Path FIXTURES = locate();
  static final Path DIGITS = FIXTURES.resolve("data/digits.csv.gz");
  static final Path FASHION_IMAGES =
      FIXTURES.resolve("data/fashion-mnist/t10k-images-idx3-ubyte.gz");
  static final Path FASHION_LABELS =
      FIXTURES.resolve("data/fashion-mnist/t10k-labels-idx1-ubyte.gz");

  /** {@code p0,…,p63,label}: the digits fixture has no header. */
  static final String DIGITS_HEADER =
      IntStream.range(0, 64).mapToObj(i -> "p" + i).collect(Collectors.joining(",")) + ",label";

  private TestFiles() {}

  /** The digits fixture's 1,797 lines (64 pixels then the label), without line breaks. */
  static List<String> digitsLines() {
    return new String(gunzip(DIGITS), StandardCharsets.UTF_8).lines().toList();
  }

  /** Writes the digits fixture with {@link #DIGITS_HEADER} as its first line, gzipped by name. */
  static Path digitsWithHeader(Path dir, String fileName) {
    return write(
        dir.resolve(fileName),
        (DIGITS_HEADER + "\n" + String.join("\n", digitsLines()) + "\n")
            .getBytes(StandardCharsets.UTF_8));
  }

  /** Writes {@code content} to {@code file}, gzip-compressed if the name ends in .gz. */
  static Path write(Path file, byte[] content) {
    try {
      if (!file.getFileName().toString().endsWith(".gz")) {
        return Files.write(file, content);
      }
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
        out.write(content);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, String content) {
    return write(file, content.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] gunzip(Path file) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path locate() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("fixtures/data"))) {
        return dir.resolve("fixtures");
      }
    }
    throw new IllegalStateException("fixtures/ not found above " + Path.of("").toAbsolutePath());
  }
}
