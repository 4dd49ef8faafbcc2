package io.learnware.spec.rkme;

import java.util.SplittableRandom;

/** Seeded k-means (k-means++ seeding, then Lloyd iterations) on a random sample of the rows. */
final class KMeans {

  private KMeans() {}

  /**
   * @param sampleSize rows to cluster; the centres of a large sample are as good a starting point
   *     as those of all rows, at a fraction of the cost
   */
  static Matrix centres(Matrix x, int k, int iterations, int sampleSize, SplittableRandom random) {
    Matrix sample = sample(x, sampleSize, random);
    int n = sample.rows();
    int d = sample.columns();
    double[] rows = sample.data();
    double[] centres = new double[k * d];
    double[] nearest = new double[n];
    java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
    int first = random.nextInt(n);
    System.arraycopy(rows, first * d, centres, 0, d);
    for (int c = 1; c < k; c++) {
      double total = 0;
      for (int i = 0; i < n; i++) {
        nearest[i] = Math.min(nearest[i], squaredDistance(rows, i * d, centres, (c - 1) * d, d));
        total += nearest[i];
      }
      int chosen = n - 1;
      double target = random.nextDouble() * total;
      for (int i = 0; i < n; i++) {
        target -= nearest[i];
        if (target < 0) {
          chosen = i;
          break;
        }
      }
      System.arraycopy(rows, chosen * d, centres, c * d, d);
    }
    int[] assignment = new int[n];
    for (int iteration = 0; iteration < iterations; iteration++) {
      boolean changed = false;
      for (int i = 0; i < n; i++) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          double distance = squaredDistance(rows, i * d, centres, c * d, d);
          if (distance < bestDistance) {
            bestDistance = distance;
            best = c;
          }
        }
        changed |= assignment[i] != best || iteration == 0;
        assignment[i] = best;
      }
      if (!changed) {
        break;
      }
      double[] sums = new double[k * d];
      int[] counts = new int[k];
      for (int i = 0; i < n; i++) {
        int c = assignment[i];
        counts[c]++;
        for (int f = 0; f < d; f++) {
          sums[c * d + f] += rows[i * d + f];
        }
      }
      for (int c = 0; c < k; c++) {
        // An empty cluster keeps its centre.
        if (counts[c] > 0) {
          for (int f = 0; f < d; f++) {
            centres[c * d + f] = sums[c * d + f] / counts[c];
          }
        }
      }
    }
    return new Matrix(k, d, centres);
  }

  private static Matrix sample(Matrix x, int size, SplittableRandom random) {
    if (size >= x.rows()) {
      return x;
    }
    // Partial Fisher–Yates over row indices.
    int[] indices = new int[x.rows()];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = i;
    }
    int d = x.columns();
    double[] out = new double[size * d];
    for (int i = 0; i < size; i++) {
      int j = i + random.nextInt(indices.length - i);
      int swap = indices[i];
      indices[i] = indices[j];
      indices[j] = swap;
      System.arraycopy(x.data(), indices[i] * d, out, i * d, d);
    }
    return new Matrix(size, d, out);
  }

  static double squaredDistance(double[] a, int aOffset, double[] b, int bOffset, int d) {
    double sum = 0;
    for (int f = 0; f < d; f++) {
      double delta = a[aOffset + f] - b[bOffset + f];
      sum += delta * delta;
    }
    return sum;
  }
}
