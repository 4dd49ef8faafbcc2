package io.learnware.market.support;

import io.learnware.spec.data.IdxFiles;
import io.learnware.spec.rkme.ImageFeatureMap;
import io.learnware.spec.rkme.Matrix;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

/** The project's real data fixtures with labels, split and filtered for search tests. */
public final class Datasets {

  /** Rows with their class labels. */
  public record Labelled(Matrix x, int[] labels) {

    public Labelled where(IntPredicate label) {
      return rows(IntStream.range(0, labels.length).filter(i -> label.test(labels[i])).toArray());
    }

    public Labelled rows(int[] indices) {
      int d = x.columns();
      double[] out = new double[indices.length * d];
      int[] outLabels = new int[indices.length];
      for (int i = 0; i < indices.length; i++) {
        System.arraycopy(x.data(), indices[i] * d, out, i * d, d);
        outLabels[i] = labels[indices[i]];
      }
      return new Labelled(new Matrix(indices.length, d, out), outLabels);
    }

    /** A seeded random split into {@code [fraction, rest]}. */
    public Labelled[] split(double fraction, long seed) {
      int[] order = IntStream.range(0, labels.length).toArray();
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
      int cut = (int) Math.round(fraction * order.length);
      return new Labelled[] {
        rows(Arrays.copyOfRange(order, 0, cut)), rows(Arrays.copyOfRange(order, cut, order.length))
      };
    }
  }

  private Datasets() {}

  /** scikit-learn's digits (no header: 64 pixels 0..16, then the label), scaled to 0..1. */
  public static Labelled digits() {
    List<double[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(Fixtures.path("data/digits.csv.gz"))),
                StandardCharsets.US_ASCII))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String[] cells = line.split(",");
        double[] row = new double[64];
        for (int c = 0; c < 64; c++) {
          row[c] = Integer.parseInt(cells[c]) / 16.0;
        }
        rows.add(row);
        labels.add(Integer.parseInt(cells[64]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Labelled(
        Matrix.of(rows.toArray(double[][]::new)),
        labels.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Fashion-MNIST's 10,000 test images under the image feature map (64 features). */
  public static Labelled fashionFeatures() {
    try {
      IdxFiles.LabeledImages data =
          IdxFiles.readLabeled(
              Fixtures.path("data/fashion-mnist/t10k-images-idx3-ubyte.gz"),
              Fixtures.path("data/fashion-mnist/t10k-labels-idx1-ubyte.gz"),
              (read, total) -> {});
      return new Labelled(
          new ImageFeatureMap(1, 28, 28).apply(data.images().pixels()), data.labels());
    } catch (IOException | io.learnware.spec.data.DataFormatException e) {
      throw new IllegalStateException(e);
    }
  }
}
