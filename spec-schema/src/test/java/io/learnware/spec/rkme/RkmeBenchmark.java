package io.learnware.spec.rkme;

import io.learnware.spec.data.IdxFiles;
import io.learnware.spec.data.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * RKME construction time (K = 100, γ = 0.1, 3 steps): n = 100,000 × d = 64 synthetic rows, and the
 * Fashion-MNIST training set (60,000 images through the image feature map). Not a test (surefire
 * skips the name); {@code bench/rkme.sh} runs it and prints a Markdown table. The reference row in
 * the same run is the k-means initialisation alone ({@code steps = 0}).
 */
class RkmeBenchmark {

  private static final int RUNS = 3;

  @Test
  void run() throws Exception {
    System.out.println();
    System.out.println(
        "| data | n | d | K | build (median of 3) s | k-means + weights only s | ratio |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    Matrix synthetic = mixtureOfGaussians(100_000, 64, 50, 1);
    row("Gaussian mixture (50 components)", synthetic, "");

    Path shared = Path.of(System.getProperty("bench.sharedData", "../../shared/data"));
    Path images = shared.resolve("fashion-mnist/train-images-idx3-ubyte.gz");
    if (!Files.exists(images)) {
      System.out.println("(Fashion-MNIST training set not found at " + images + ": row skipped)");
      return;
    }
    long t0 = System.nanoTime();
    IdxFiles.Images read = IdxFiles.readImages(images, ProgressListener.none());
    double readSeconds = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    Matrix features = new ImageFeatureMap(1, 28, 28).apply(read.pixels());
    double mapSeconds = (System.nanoTime() - t0) / 1e9;
    row(
        "Fashion-MNIST train (feature map)",
        features,
        " (reading %.2f s, feature map %.2f s)".formatted(readSeconds, mapSeconds));
  }

  private static void row(String name, Matrix x, String note) {
    double full = median(x, 3);
    double reference = median(x, 0);
    System.out.printf(
        "| %s%s | %,d | %d | %d | %.2f | %.2f | %.2fx |%n",
        name, note, x.rows(), x.columns(), 100, full, reference, full / reference);
  }

  private static double median(Matrix x, int steps) {
    double[] seconds = new double[RUNS];
    for (int run = 0; run < RUNS; run++) {
      long t0 = System.nanoTime();
      Rkme.builder().setData(x).optSteps(steps).optSeed(run).build();
      seconds[run] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(seconds);
    return seconds[RUNS / 2];
  }

  private static Matrix mixtureOfGaussians(int n, int d, int components, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] centres = random.doubles((long) components * d, 0, 1).toArray();
    double[] x = new double[n * d];
    for (int i = 0; i < n; i++) {
      int component = random.nextInt(components);
      for (int c = 0; c < d; c++) {
        x[i * d + c] = centres[component * d + c] + 0.3 * StrictGaussian.next(random);
      }
    }
    return new Matrix(n, d, x);
  }
}
