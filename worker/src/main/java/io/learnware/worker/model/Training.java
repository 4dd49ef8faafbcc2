package io.learnware.worker.model;

import java.util.SplittableRandom;

/**
 * Pieces of the worker's DJL training loops (distilled students, transferred heads), kept in one
 * place so that both order their rows and measure their errors alike.
 */
public final class Training {

  private Training() {}

  /** The rows 0, 1, …, n − 1 in data-set order, to be shuffled. */
  public static int[] identity(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }

  /** Fisher–Yates, so that the order depends on the seed alone. */
  public static void shuffle(int[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
  }

  /** The mean of {@code (a − b)²} over every number. */
  public static double meanSquaredError(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double e = (double) a[i] - b[i];
      sum += e * e;
    }
    return sum / a.length;
  }
}
