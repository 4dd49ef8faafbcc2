package io.learnware.worker.distill;

import io.learnware.spec.ModelFormat;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.model.InputShape;
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

/**
 * The digits fixture (fixtures/README.md): 1,797 rows of 64 pixels 0..16 and a label, no header.
 * The teacher {@code digits-mlp/model.pt} was trained on the first 1,437 rows on pixels / 16.
 */
final class Digits {

  static final Path FIXTURES = Path.of("..", "fixtures");
  static final Path TEACHER = FIXTURES.resolve("digits-mlp/model.pt");
  static final Path TEACHER_SPEC = FIXTURES.resolve("digits-mlp/spec.json");
  static final int TRAIN_ROWS = 1437;
  static final int PIXELS = 64;
  static final int CLASSES = 10;

  /** Pixels scaled to 0..1 and labels of some rows. */
  record Rows(Matrix x, int[] labels) {

    float[] floats() {
      float[] out = new float[x.data().length];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) x.data()[i];
      }
      return out;
    }

    /** The rows whose label {@code keep} accepts. */
    Rows filter(java.util.function.IntPredicate keep) {
      List<Integer> kept = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (keep.test(labels[i])) {
          kept.add(i);
        }
      }
      return select(kept.stream().mapToInt(Integer::intValue).toArray());
    }

    Rows select(int[] indices) {
      double[] data = new double[indices.length * PIXELS];
      int[] y = new int[indices.length];
      for (int i = 0; i < indices.length; i++) {
        System.arraycopy(x.data(), indices[i] * PIXELS, data, i * PIXELS, PIXELS);
        y[i] = labels[indices[i]];
      }
      return new Rows(new Matrix(indices.length, PIXELS, data), y);
    }

    int size() {
      return labels.length;
    }
  }

  private static Rows all;

  private Digits() {}

  static synchronized Rows all() {
    if (all == null) {
      all = read(FIXTURES.resolve("data/digits.csv.gz"));
    }
    return all;
  }

  static Rows train() {
    return all().select(range(0, TRAIN_ROWS));
  }

  static Rows test() {
    return all().select(range(TRAIN_ROWS, all().size()));
  }

  static Teacher teacher() {
    try {
      return Teacher.load(TEACHER, ModelFormat.TORCHSCRIPT, InputShape.table(PIXELS), CLASSES);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The fraction of rows whose top logit is the label. */
  static double accuracy(float[] logits, int[] labels) {
    return SoftTargets.agreement(SoftTargets.argmax(logits, CLASSES), labels);
  }

  static int[] range(int from, int to) {
    int[] out = new int[to - from];
    for (int i = 0; i < out.length; i++) {
      out[i] = from + i;
    }
    return out;
  }

  private static Rows read(Path file) {
    List<double[]> rows = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.US_ASCII))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!line.isBlank()) {
          String[] cells = line.split(",");
          double[] row = new double[cells.length];
          for (int c = 0; c < cells.length; c++) {
            row[c] = Double.parseDouble(cells[c]);
          }
          rows.add(row);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    double[] x = new double[rows.size() * PIXELS];
    int[] y = new int[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      for (int c = 0; c < PIXELS; c++) {
        x[i * PIXELS + c] = rows.get(i)[c] / 16;
      }
      y[i] = (int) rows.get(i)[PIXELS];
    }
    return new Rows(new Matrix(rows.size(), PIXELS, x), y);
  }
}
