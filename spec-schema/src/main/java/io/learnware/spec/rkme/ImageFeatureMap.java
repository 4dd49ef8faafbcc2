package io.learnware.spec.rkme;

import java.util.SplittableRandom;

/**
 * The fixed feature map under which image RKMEs are computed, so that two parties who never share
 * images get comparable embeddings.
 *
 * <p>Definition (version 1): pixels are scaled to [0, 1] and flattened channel-major ({@code c·H·W
 * + y·W + x}); feature {@code k} of {@value #DIMENSION} is {@code (1/√D)·Σ_p r_kp·x_p} with {@code
 * D = C·H·W} and signs {@code r_kp ∈ {−1, +1}}: bit {@code p mod 64} of the {@code (k·⌈D/64⌉ + p
 * div 64)}-th {@code nextLong()} of {@code java.util.SplittableRandom(}{@value #SEED}{@code )}, 1
 * meaning +1. A random sign projection keeps Euclidean distances up to a factor of about √(64/D)
 * (Johnson– Lindenstrauss, Achlioptas 2003), so the Gaussian kernel of the features follows that of
 * the pixels, and only integer arithmetic decides the signs, so every platform agrees on them.
 */
public final class ImageFeatureMap {

  /** Number of features. */
  public static final int DIMENSION = 64;

  /** Seed of the sign stream; part of the definition, never change it. */
  public static final long SEED = 20_261_124L;

  private final int inputSize;

  /** ±1/√D, pixel-major ({@code p·64 + k}), so that mapping is a vectorisable multiply-add. */
  private final double[] weights;

  /** The map for images of {@code channels × height × width} pixels. */
  public ImageFeatureMap(int channels, int height, int width) {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "image shape must be positive, got %d×%d×%d".formatted(channels, height, width));
    }
    this.inputSize = Math.multiplyExact(Math.multiplyExact(channels, height), width);
    int words = (inputSize + 63) / 64;
    double scale = 1 / Math.sqrt(inputSize);
    this.weights = new double[inputSize * DIMENSION];
    SplittableRandom random = new SplittableRandom(SEED);
    for (int k = 0; k < DIMENSION; k++) {
      for (int w = 0; w < words; w++) {
        long bits = random.nextLong();
        for (int p = w * 64; p < Math.min(inputSize, (w + 1) * 64); p++) {
          weights[p * DIMENSION + k] = ((bits >>> (p & 63)) & 1) == 1 ? scale : -scale;
        }
      }
    }
  }

  public int inputSize() {
    return inputSize;
  }

  /**
   * Maps one image.
   *
   * @param pixels {@link #inputSize()} values already scaled to [0, 1]
   * @param out receives {@value #DIMENSION} features
   */
  public void apply(double[] pixels, int offset, double[] out, int outOffset) {
    java.util.Arrays.fill(out, outOffset, outOffset + DIMENSION, 0);
    for (int p = 0; p < inputSize; p++) {
      double value = pixels[offset + p];
      int base = p * DIMENSION;
      for (int k = 0; k < DIMENSION; k++) {
        out[outOffset + k] += value * weights[base + k];
      }
    }
  }

  /** Maps every row of {@code images} (n × D, scaled to [0, 1]) to an n × 64 matrix. */
  public Matrix apply(Matrix images) {
    if (images.columns() != inputSize) {
      throw new IllegalArgumentException(
          "images have %d pixels, this map takes %d".formatted(images.columns(), inputSize));
    }
    double[] out = new double[images.rows() * DIMENSION];
    for (int i = 0; i < images.rows(); i++) {
      apply(images.data(), i * inputSize, out, i * DIMENSION);
    }
    return new Matrix(images.rows(), DIMENSION, out);
  }
}
