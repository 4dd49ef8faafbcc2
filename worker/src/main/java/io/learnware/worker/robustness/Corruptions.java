package io.learnware.worker.robustness;

import io.learnware.spec.rkme.Matrix;
import java.util.SplittableRandom;

/**
 * The operations behind {@link Corruption}, with their parameter given directly. Images are rows of
 * C·H·W values, channel-major (value (c, y, x) at {@code (c·H + y)·W + x}), in [0, 1]; results are
 * clipped to [0, 1] and returned as new matrices.
 */
public final class Corruptions {

  /**
   * Poisson draws are made as sums of draws of mean at most this, so that Knuth's product of
   * uniforms stays far from underflow (e^−30 ≈ 1e−13) whatever λ.
   */
  private static final double POISSON_CHUNK = 30;

  private Corruptions() {}

  static void checkShape(Matrix images, int channels, int height, int width) {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "image shape must be positive, got %d×%d×%d".formatted(channels, height, width));
    }
    if ((long) channels * height * width != images.columns()) {
      throw new IllegalArgumentException(
          "images of shape %d×%d×%d have %d values, rows have %d"
              .formatted(
                  channels, height, width, (long) channels * height * width, images.columns()));
    }
  }

  /** x → Poisson(x·λ)/λ: the photon noise of a sensor that counts λ photons at full intensity. */
  public static Matrix shotNoise(Matrix images, double lambda, long seed) {
    if (!(lambda > 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException("lambda must be finite and > 0, got " + lambda);
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] in = images.data();
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = Noise.clip(poisson(Math.max(0, in[i]) * lambda, random) / lambda, 0, 1);
    }
    return new Matrix(images.rows(), images.columns(), out);
  }

  /**
   * A Poisson draw: Knuth's method (count uniforms until their product falls below e^−mean) on
   * chunks of the mean, since a sum of independent Poisson draws is Poisson with the summed mean.
   * {@link StrictMath} keeps the draws the same on every JVM.
   */
  static long poisson(double mean, SplittableRandom random) {
    long count = 0;
    for (double left = mean; left > 0; left -= POISSON_CHUNK) {
      double limit = StrictMath.exp(-Math.min(left, POISSON_CHUNK));
      double product = random.nextDouble();
      while (product > limit) {
        count++;
        product *= random.nextDouble();
      }
    }
    return count;
  }

  /**
   * Salt and pepper: each value, with probability {@code amount}, becomes 0 or 1 (even odds), as in
   * scikit-image's {@code random_noise(mode="s&p")} used by CIFAR-10-C.
   */
  public static Matrix impulseNoise(Matrix images, double amount, long seed) {
    if (!(amount >= 0 && amount <= 1)) {
      throw new IllegalArgumentException("amount must be in [0, 1], got " + amount);
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] in = images.data();
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      // Both draws are made for every value, so a value's fate does not shift the stream.
      boolean hit = random.nextDouble() < amount;
      boolean salt = random.nextDouble() < 0.5;
      out[i] = hit ? (salt ? 1 : 0) : Noise.clip(in[i], 0, 1);
    }
    return new Matrix(images.rows(), images.columns(), out);
  }

  /**
   * Gaussian blur per channel with a separable kernel: weights e^(−k²/2σ²) for |k| ≤ ⌊4σ + ½⌋
   * (scipy's default truncation), normalised to sum 1; beyond the edges the edge pixel repeats
   * (scipy's "nearest"), so a constant image stays constant.
   */
  public static Matrix gaussianBlur(
      Matrix images, int channels, int height, int width, double sigma) {
    checkShape(images, channels, height, width);
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("sigma must be finite and > 0, got " + sigma);
    }
    double[] kernel = gaussianKernel(sigma);
    int radius = kernel.length / 2;
    double[] in = images.data();
    double[] out = new double[in.length];
    double[] rows = new double[height * width];
    for (int plane = 0; plane < images.rows() * channels; plane++) {
      int o = plane * height * width;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          double sum = 0;
          for (int k = -radius; k <= radius; k++) {
            sum += kernel[k + radius] * in[o + y * width + clamp(x + k, width)];
          }
          rows[y * width + x] = sum;
        }
      }
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          double sum = 0;
          for (int k = -radius; k <= radius; k++) {
            sum += kernel[k + radius] * rows[clamp(y + k, height) * width + x];
          }
          out[o + y * width + x] = Noise.clip(sum, 0, 1);
        }
      }
    }
    return new Matrix(images.rows(), images.columns(), out);
  }

  static double[] gaussianKernel(double sigma) {
    int radius = (int) (4 * sigma + 0.5);
    double[] kernel = new double[2 * radius + 1];
    double sum = 0;
    for (int k = -radius; k <= radius; k++) {
      kernel[k + radius] = StrictMath.exp(-(double) k * k / (2 * sigma * sigma));
      sum += kernel[k + radius];
    }
    for (int k = 0; k < kernel.length; k++) {
      kernel[k] /= sum;
    }
    return kernel;
  }

  private static int clamp(int index, int size) {
    return Math.min(size - 1, Math.max(0, index));
  }

  /** x → (x − m)·c + m, with m the mean of the image's channel, as in CIFAR-10-C. */
  public static Matrix contrast(Matrix images, int channels, int height, int width, double factor) {
    checkShape(images, channels, height, width);
    int size = height * width;
    double[] in = images.data();
    double[] out = new double[in.length];
    for (int plane = 0; plane < images.rows() * channels; plane++) {
      int o = plane * size;
      double mean = 0;
      for (int i = o; i < o + size; i++) {
        mean += in[i];
      }
      mean /= size;
      for (int i = o; i < o + size; i++) {
        out[i] = Noise.clip((in[i] - mean) * factor + mean, 0, 1);
      }
    }
    return new Matrix(images.rows(), images.columns(), out);
  }

  /**
   * x → x + b, clipped. CIFAR-10-C adds b to the HSV value channel; on grey images that is the
   * same, on colour images adding to every channel keeps this free of a colour-space conversion.
   */
  public static Matrix brightness(Matrix images, double shift) {
    double[] in = images.data();
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = Noise.clip(in[i] + shift, 0, 1);
    }
    return new Matrix(images.rows(), images.columns(), out);
  }

  /**
   * Downsamples each channel by averaging {@code block}×{@code block} blocks (a box filter; blocks
   * at the right and bottom edges are smaller when the side does not divide) and upsamples by
   * repeating each average over its block (nearest neighbour).
   */
  public static Matrix pixelate(Matrix images, int channels, int height, int width, int block) {
    checkShape(images, channels, height, width);
    if (block <= 0) {
      throw new IllegalArgumentException("block must be > 0, got " + block);
    }
    double[] in = images.data();
    double[] out = new double[in.length];
    for (int plane = 0; plane < images.rows() * channels; plane++) {
      int o = plane * height * width;
      for (int top = 0; top < height; top += block) {
        int bottom = Math.min(height, top + block);
        for (int left = 0; left < width; left += block) {
          int right = Math.min(width, left + block);
          double sum = 0;
          for (int y = top; y < bottom; y++) {
            for (int x = left; x < right; x++) {
              sum += in[o + y * width + x];
            }
          }
          double mean = Noise.clip(sum / ((bottom - top) * (right - left)), 0, 1);
          for (int y = top; y < bottom; y++) {
            for (int x = left; x < right; x++) {
              out[o + y * width + x] = mean;
            }
          }
        }
      }
    }
    return new Matrix(images.rows(), images.columns(), out);
  }
}
