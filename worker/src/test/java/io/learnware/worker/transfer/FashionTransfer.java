package io.learnware.worker.transfer;

import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.RealData;
import io.learnware.worker.Fixtures;
import io.learnware.worker.model.InputShape;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The transfer example on real data: the committed Fashion-MNIST CNN (trained on classes 0–4 of the
 * training images, {@code fixtures/make_transfer_fixtures.py}) reused for the five classes it never
 * saw, from a few labelled test-set images per class; the other test images of those classes
 * measure the result.
 */
final class FashionTransfer {

  static final InputShape IMAGE = InputShape.image(1, 28, 28);
  static final int FEATURES = 784;
  static final List<Integer> NEW_CLASSES = List.of(5, 6, 7, 8, 9);
  static final List<String> NEW_NAMES = List.of("Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** A task's rows: inputs and class indices into {@link #NEW_CLASSES}. */
  record Task(Matrix x, int[] labels) {}

  private FashionTransfer() {}

  /**
   * The first {@code perClass} test images of each new class (the labelled data) and all the others
   * of those classes (the held-out evaluation).
   */
  static Task[] split(int perClass) {
    RealData.Labelled test = RealData.fashionTest();
    List<Integer> labelled = new ArrayList<>();
    List<Integer> heldOut = new ArrayList<>();
    int[] seen = new int[10];
    for (int i = 0; i < test.labels().length; i++) {
      int label = test.labels()[i];
      if (NEW_CLASSES.contains(label)) {
        (seen[label]++ < perClass ? labelled : heldOut).add(i);
      }
    }
    return new Task[] {task(test, labelled), task(test, heldOut)};
  }

  private static Task task(RealData.Labelled data, List<Integer> indices) {
    RealData.Labelled rows = data.rows(indices.stream().mapToInt(Integer::intValue).toArray());
    int[] labels = new int[rows.labels().length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = NEW_CLASSES.indexOf(rows.labels()[i]);
    }
    return new Task(rows.x(), labels);
  }

  /**
   * The committed extract of the training file: the first 100 training images of each class 5–9, in
   * training-file order, with their original labels ({@code fixtures/make_transfer_reference.py}).
   */
  static RealData.Labelled newClassTraining() {
    Path dir = Fixtures.path("data/fashion-mnist");
    try (DataInputStream images = idx(dir.resolve("new-classes-train-images-idx3-ubyte.gz"));
        DataInputStream labels = idx(dir.resolve("new-classes-train-labels-idx1-ubyte.gz"))) {
      if (images.readInt() != 0x803 || labels.readInt() != 0x801) {
        throw new IllegalStateException("not IDX files");
      }
      int n = images.readInt();
      int pixels = images.readInt() * images.readInt();
      if (labels.readInt() != n) {
        throw new IllegalStateException("images and labels differ in number");
      }
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
      return new RealData.Labelled(new Matrix(n, pixels, x), y);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static DataInputStream idx(Path file) throws IOException {
    return new DataInputStream(new GZIPInputStream(Files.newInputStream(file), 1 << 16));
  }

  static java.nio.file.Path extractor() {
    return Fixtures.path("fashion-cnn/features.pt");
  }

  /** The share of rows whose largest logit is their label. */
  static double accuracy(float[] logits, int[] labels) {
    int k = logits.length / labels.length;
    int right = 0;
    for (int row = 0; row < labels.length; row++) {
      int best = 0;
      for (int c = 1; c < k; c++) {
        if (logits[row * k + c] > logits[row * k + best]) {
          best = c;
        }
      }
      right += best == labels[row] ? 1 : 0;
    }
    return (double) right / labels.length;
  }
}
