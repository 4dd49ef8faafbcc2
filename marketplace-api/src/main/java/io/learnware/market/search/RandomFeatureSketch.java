package io.learnware.market.search;

import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.spec.rkme.StrictGaussian;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fixed-length sketch of an RKME's kernel mean embedding by random Fourier features (Rahimi &
 * Recht 2007): {@code φ(x) = √(2/D)·cos(ωᵀx + b)} with {@code ω ~ N(0, 2γI)} and {@code b ~ U[0,
 * 2π)}, so that {@code E[φ(x)·φ(y)] = exp(−γ‖x − y‖²)}. The sketch of {@code μ = Σβ_j k(z_j, ·)} is
 * {@code Σβ_j φ(z_j)}, and the dot product of two sketches estimates {@code ⟨μ_a, μ_b⟩} at the cost
 * of {@value #DIMENSION} multiply-adds instead of {@code K_a·K_b·d}.
 *
 * <p>Search uses it only to shortlist candidates, which it then compares exactly. The frequencies
 * depend on the space alone (dimension and γ, seeded), so stored sketches stay valid; changing
 * {@link #DIMENSION} or the seed requires recomputing them.
 */
final class RandomFeatureSketch {

  /** Number of random features. */
  static final int DIMENSION = 256;

  private static final long SEED = 0x4C57_534BL;
  private static final Map<String, RandomFeatureSketch> BY_SPACE = new ConcurrentHashMap<>();

  private final int inputDimension;

  /**
   * Frequencies, input-major ({@code c·D + f}), so that projecting a point is a unit-stride AXPY.
   */
  private final double[] omega;

  private final double[] phase;

  private RandomFeatureSketch(int inputDimension, double gamma) {
    this.inputDimension = inputDimension;
    this.omega = new double[inputDimension * DIMENSION];
    this.phase = new double[DIMENSION];
    SplittableRandom random =
        new SplittableRandom(SEED ^ inputDimension * 31L ^ Double.doubleToLongBits(gamma));
    double scale = Math.sqrt(2 * gamma);
    for (int i = 0; i < omega.length; i++) {
      omega[i] = scale * StrictGaussian.next(random);
    }
    for (int f = 0; f < DIMENSION; f++) {
      phase[f] = 2 * Math.PI * random.nextDouble();
    }
  }

  static RandomFeatureSketch forSpace(int dimension, double gamma) {
    return BY_SPACE.computeIfAbsent(
        dimension + "/" + gamma, unused -> new RandomFeatureSketch(dimension, gamma));
  }

  /** The sketch of an embedding. */
  static float[] of(Rkme rkme) {
    return forSpace(rkme.dimension(), rkme.gamma()).sketch(rkme);
  }

  private float[] sketch(Rkme rkme) {
    Matrix z = rkme.points();
    double[] beta = rkme.weights();
    double[] sum = new double[DIMENSION];
    double[] projection = new double[DIMENSION];
    double norm = Math.sqrt(2.0 / DIMENSION);
    for (int j = 0; j < z.rows(); j++) {
      System.arraycopy(phase, 0, projection, 0, DIMENSION);
      for (int c = 0; c < inputDimension; c++) {
        double value = z.get(j, c);
        int base = c * DIMENSION;
        for (int f = 0; f < DIMENSION; f++) {
          projection[f] += value * omega[base + f];
        }
      }
      for (int f = 0; f < DIMENSION; f++) {
        sum[f] += beta[j] * norm * Math.cos(projection[f]);
      }
    }
    float[] out = new float[DIMENSION];
    for (int f = 0; f < DIMENSION; f++) {
      out[f] = (float) sum[f];
    }
    return out;
  }
}
