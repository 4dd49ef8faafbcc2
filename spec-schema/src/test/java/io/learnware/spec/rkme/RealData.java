package io.learnware.spec.rkme;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import java.util.zip.GZIPInputStream;

/**
 * The project's real data fixtures, labelled, for tests of the RKME and search (shared with the
 * API's tests through this module's test jar).
 */
public final class RealData {

  private static final Path DATA = Path.of("../fixtures/data");

  /** Rows with their class labels. */
  public record Labelled(Matrix x, int[] labels) {

    public Labelled where(IntPredicate label) {
      List<Integer> kept = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (label.test(labels[i])) {
          kept.add(i);
        }
      }
      return rows(kept.stream().mapToInt(Integer::intValue).toArray());
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

    /** A seeded split: {@code [first fraction, rest]}. */
    public Labelled[] split(double fraction, long seed) {
      int[] order = new int[labels.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
      int cut = (int) Math.round(fraction * order.length);
      return new Labelled[] {
        rows(java.util.Arrays.copyOfRange(order, 0, cut)),
        rows(java.util.Arrays.copyOfRange(order, cut, order.length))
      };
    }
  }

  private RealData() {}

  /** scikit-learn's digits: 1,797 rows of 64 pixels scaled from 0..16 to 0..1. */
  public static Labelled digits() {
    List<double[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(DATA.resolve("digits.csv.gz"))),
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

  /** Fashion-MNIST's 10,000 test images as 784 pixels scaled to 0..1. */
  public static Labelled fashionTest() {
    Path dir = DATA.resolve("fashion-mnist");
    try (DataInputStream images = idx(dir.resolve("t10k-images-idx3-ubyte.gz"));
        DataInputStream labels = idx(dir.resolve("t10k-labels-idx1-ubyte.gz"))) {
      if (images.readInt() != 0x803 || labels.readInt() != 0x801) {
        throw new IllegalStateException("not IDX files");
      }
      int n = images.readInt();
      int pixels = images.readInt() * images.readInt();
      labels.readInt();
      byte[] raw = images.readNBytes(n * pixels);
      double[] x = new double[raw.length];
      for (int i = 0; i < raw.length; i++) {
        x[i] = (raw[i] & 0xff) / 255.0;
      }
      byte[] rawLabels = labels.readNBytes(n);
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        y[i] = rawLabels[i];
      }
      return new Labelled(new Matrix(n, pixels, x), y);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fashion-MNIST's 10,000 test images under the image feature map (64 features). */
  public static Labelled fashionFeatures() {
    Labelled images = fashionTest();
    return new Labelled(new ImageFeatureMap(1, 28, 28).apply(images.x()), images.labels());
  }

  private static DataInputStream idx(Path file) throws IOException {
    return new DataInputStream(new GZIPInputStream(Files.newInputStream(file), 1 << 16));
  }

  /**
   * The exact MMD² between the empirical embeddings of two data sets, written out directly
   * (independently of {@link GaussianKernel}) as the reference the RKME must track.
   */
  static double exactMmdSquared(Matrix a, Matrix b, double gamma) {
    return meanKernel(a, a, gamma) + meanKernel(b, b, gamma) - 2 * meanKernel(a, b, gamma);
  }

  /**
   * The squared distance between a data set's empirical embedding and an RKME: how much the
   * construction lost.
   */
  static double constructionErrorSquared(Matrix data, Rkme rkme) {
    double[] beta = rkme.weights();
    Matrix z = rkme.points();
    double cross = 0;
    for (int i = 0; i < data.rows(); i++) {
      for (int j = 0; j < z.rows(); j++) {
        cross += beta[j] * kernel(data, i, z, j, rkme.gamma());
      }
    }
    double self = 0;
    for (int i = 0; i < z.rows(); i++) {
      for (int j = 0; j < z.rows(); j++) {
        self += beta[i] * beta[j] * kernel(z, i, z, j, rkme.gamma());
      }
    }
    return meanKernel(data, data, rkme.gamma()) - 2 * cross / data.rows() + self;
  }

  private static double meanKernel(Matrix a, Matrix b, double gamma) {
    double sum = 0;
    for (int i = 0; i < a.rows(); i++) {
      for (int j = 0; j < b.rows(); j++) {
        sum += kernel(a, i, b, j, gamma);
      }
    }
    return sum / ((double) a.rows() * b.rows());
  }

  private static double kernel(Matrix a, int i, Matrix b, int j, double gamma) {
    double distance = 0;
    for (int c = 0; c < a.columns(); c++) {
      double delta = a.get(i, c) - b.get(j, c);
      distance += delta * delta;
    }
    return Math.exp(-gamma * distance);
  }

  /**
   * Square grey-scale images (pixels in 0..1, as {@link #fashionTest()} gives them) as an IDX
   * images file, the format data sets of images are uploaded in.
   */
  public static byte[] idxImages(Matrix images) {
    int side = (int) Math.round(Math.sqrt(images.columns()));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0x803);
      out.writeInt(images.rows());
      out.writeInt(side);
      out.writeInt(side);
      for (double v : images.data()) {
        out.writeByte((int) Math.round(v * 255));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Labels 0..255 as an IDX labels file. */
  public static byte[] idxLabels(int[] labels) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0x801);
      out.writeInt(labels.length);
      for (int label : labels) {
        out.writeByte(label);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
