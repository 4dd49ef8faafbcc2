package io.learnware.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.rkme.Matrix;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The committed fixtures under {@code fixtures/} (see fixtures/README.md). */
public final class Fixtures {

  /** Rows 0..1436 of digits.csv.gz are the training set, the remaining 360 the test set. */
  public static final int DIGITS_TRAIN_ROWS = 1437;

  private static final Path ROOT = findRoot();

  private Fixtures() {}

  public static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  public static JsonNode json(String relative) {
    try {
      return SpecDocuments.mapper().readTree(path(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static LearnwareSpec spec(String relative) {
    return SpecDocuments.parse(json(relative));
  }

  /** The digits data: rows {@code from..to-1}, 64 pixels scaled to [0, 1], and their labels. */
  public record Digits(Matrix pixels, int[] labels) {}

  public static Digits digits(int from, int to) {
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(path("data/digits.csv.gz"))),
                StandardCharsets.US_ASCII))) {
      reader.lines().filter(l -> !l.isBlank()).forEach(lines::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    double[] pixels = new double[(to - from) * 64];
    int[] labels = new int[to - from];
    for (int r = from; r < to; r++) {
      String[] cells = lines.get(r).split(",");
      for (int c = 0; c < 64; c++) {
        pixels[(r - from) * 64 + c] = Integer.parseInt(cells[c]) / 16.0;
      }
      labels[r - from] = Integer.parseInt(cells[64]);
    }
    return new Digits(new Matrix(to - from, 64, pixels), labels);
  }

  private static Path findRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("fixtures/digits-mlp"))) {
        return dir.resolve("fixtures");
      }
    }
    throw new IllegalStateException("fixtures/ not found above " + Path.of("").toAbsolutePath());
  }
}
