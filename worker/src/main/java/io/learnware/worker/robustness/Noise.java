package io.learnware.worker.robustness;

import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.StrictGaussian;
import java.util.SplittableRandom;

/**
 * Additive noise on rows of numbers, drawn from a seed so that a robustness report is repeatable.
 */
public final class Noise {

  private Noise() {}

  /**
   * Adds an independent N(0, σ²) draw to every value and clips the result to [low, high]. The draws
   * come from {@link StrictGaussian}, so the same seed gives the same matrix on every JVM.
   *
   * @return a new matrix; {@code images} is not modified
   */
  public static Matrix gaussian(Matrix images, double sigma, long seed, double low, double high) {
    if (!(sigma >= 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("sigma must be finite and ≥ 0, got " + sigma);
    }
    if (!(low <= high)) {
      throw new IllegalArgumentException("need low ≤ high, got [%s, %s]".formatted(low, high));
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] in = images.data();
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = clip(in[i] + sigma * StrictGaussian.next(random), low, high);
    }
    return new Matrix(images.rows(), images.columns(), out);
  }

  static double clip(double value, double low, double high) {
    return Math.min(high, Math.max(low, value));
  }
}
