package io.learnware.worker.robustness;

import io.learnware.spec.rkme.Matrix;

/**
 * The image corruptions of Hendrycks &amp; Dietterich's CIFAR-10-C (<i>Benchmarking Neural Network
 * Robustness to Common Corruptions and Perturbations</i>, 2019), each with five severities. The
 * parameter per severity follows their CIFAR-10 code where the operation is the same; see
 * docs/robustness.md for the table and where it differs. Images are rows of C·H·W values,
 * channel-major, in [0, 1]; every corruption returns a new matrix with values in [0, 1].
 */
public enum Corruption {
  /** Adds N(0, σ²) per value; σ per severity. */
  GAUSSIAN_NOISE(0.04, 0.06, 0.08, 0.09, 0.10) {
    @Override
    Matrix corrupt(Matrix images, int channels, int height, int width, double sigma, long seed) {
      return Noise.gaussian(images, sigma, seed, 0, 1);
    }
  },
  /** Photon noise x → Poisson(x·λ)/λ; λ (photons at full intensity) per severity. */
  SHOT_NOISE(500, 250, 100, 75, 50) {
    @Override
    Matrix corrupt(Matrix images, int channels, int height, int width, double lambda, long seed) {
      return Corruptions.shotNoise(images, lambda, seed);
    }
  },
  /** Salt and pepper: a fraction p of the values set to 0 or 1; p per severity. */
  IMPULSE_NOISE(0.01, 0.02, 0.03, 0.05, 0.07) {
    @Override
    Matrix corrupt(Matrix images, int channels, int height, int width, double amount, long seed) {
      return Corruptions.impulseNoise(images, amount, seed);
    }
  },
  /** Gaussian blur; the kernel's σ in pixels per severity. */
  GAUSSIAN_BLUR(0.4, 0.6, 0.7, 0.8, 1.0) {
    @Override
    Matrix corrupt(Matrix images, int channels, int height, int width, double sigma, long seed) {
      return Corruptions.gaussianBlur(images, channels, height, width, sigma);
    }
  },
  /** Contrast x → (x − mean)·c + mean; c per severity. */
  CONTRAST(0.75, 0.5, 0.4, 0.3, 0.15) {
    @Override
    Matrix corrupt(Matrix images, int channels, int height, int width, double factor, long seed) {
      return Corruptions.contrast(images, channels, height, width, factor);
    }
  },
  /** Brightness x → x + b; b per severity. */
  BRIGHTNESS(0.05, 0.1, 0.15, 0.2, 0.3) {
    @Override
    Matrix corrupt(Matrix images, int channels, int height, int width, double shift, long seed) {
      return Corruptions.brightness(images, shift);
    }
  },
  /** Pixelation: the side of the square blocks averaged, per severity. */
  PIXELATE(2, 3, 4, 5, 6) {
    @Override
    Matrix corrupt(Matrix images, int channels, int height, int width, double block, long seed) {
      return Corruptions.pixelate(images, channels, height, width, (int) block);
    }
  },
  /** JPEG compression; the quality (1..100) per severity. */
  JPEG(80, 65, 58, 50, 40) {
    @Override
    Matrix corrupt(Matrix images, int channels, int height, int width, double quality, long seed) {
      return Jpeg.compress(images, channels, height, width, (int) quality);
    }
  };

  public static final int MIN_SEVERITY = 1;
  public static final int MAX_SEVERITY = 5;

  private final double[] parameters;

  Corruption(double... parameters) {
    this.parameters = parameters;
  }

  /** The corruption's parameter at a severity, as in the table above. */
  public double parameter(int severity) {
    if (severity < MIN_SEVERITY || severity > MAX_SEVERITY) {
      throw new IllegalArgumentException(
          "severity must be %d..%d, got %d".formatted(MIN_SEVERITY, MAX_SEVERITY, severity));
    }
    return parameters[severity - 1];
  }

  /**
   * Corrupts every image (row) of {@code images}. Noises draw from {@code seed}, so the same seed
   * gives the same images; the other corruptions ignore it.
   *
   * @return a new matrix; {@code images} is not modified
   */
  public Matrix apply(Matrix images, int channels, int height, int width, int severity, long seed) {
    double parameter = parameter(severity);
    Corruptions.checkShape(images, channels, height, width);
    return corrupt(images, channels, height, width, parameter, seed);
  }

  abstract Matrix corrupt(
      Matrix images, int channels, int height, int width, double parameter, long seed);
}
