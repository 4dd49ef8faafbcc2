package io.learnware.spec.rkme;

import io.learnware.spec.RkmeSpec;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A reduced kernel mean embedding: K weighted points whose Gaussian-kernel mean embedding {@code μ
 * = Σ β_j k(z_j, ·)} stands in for that of a data set, which it never reveals.
 *
 * <p>Two embeddings compare through the maximum mean discrepancy, {@code MMD² = ‖μ_a − μ_b‖²} in
 * the kernel's feature space. Immutable; build one with {@link #builder()} or read one with {@link
 * #fromSpec}.
 */
public final class Rkme {

  private final double gamma;
  private final long numPoints;
  private final Matrix z;
  private final double[] beta;
  private volatile double squaredNorm = Double.NaN;

  /**
   * @param gamma kernel bandwidth, {@code k(x, y) = exp(−γ‖x − y‖²)}
   * @param numPoints how many data rows the embedding summarises
   * @param z the reduced points, one per row
   * @param beta one weight per point, on the simplex
   */
  public Rkme(double gamma, long numPoints, Matrix z, double[] beta) {
    if (!(gamma > 0) || Double.isInfinite(gamma)) {
      throw new IllegalArgumentException("gamma must be a positive number, got " + gamma);
    }
    if (beta.length != z.rows() || z.rows() == 0) {
      throw new IllegalArgumentException(
          "need one weight per point: %d points, %d weights".formatted(z.rows(), beta.length));
    }
    this.gamma = gamma;
    this.numPoints = numPoints;
    this.z = z;
    this.beta = beta.clone();
  }

  /**
   * An embedding read back from storage with its squared norm, computed by {@link #squaredNorm()}
   * when it was stored, so that comparing many stored embeddings does not recompute it (that costs
   * as much as the comparison). The norm is trusted, not re-checked.
   */
  public static Rkme stored(
      double gamma, long numPoints, Matrix z, double[] beta, double squaredNorm) {
    Rkme rkme = new Rkme(gamma, numPoints, z, beta);
    rkme.squaredNorm = squaredNorm;
    return rkme;
  }

  /** A builder that computes an RKME from data. */
  public static RkmeBuilder builder() {
    return new RkmeBuilder();
  }

  /** Reads a validated canonical statistical specification. */
  public static Rkme fromSpec(RkmeSpec spec) {
    return new Rkme(spec.gamma(), spec.numPoints(), Matrix.of(spec.z()), spec.beta());
  }

  /** The canonical statistical specification of this embedding. */
  public RkmeSpec toSpec() {
    return new RkmeSpec(
        RkmeSpec.TYPE,
        RkmeSpec.GAUSSIAN,
        gamma,
        dimension(),
        numPoints,
        z.toArrays(),
        beta.clone(),
        null);
  }

  public double gamma() {
    return gamma;
  }

  public int dimension() {
    return z.columns();
  }

  public int size() {
    return z.rows();
  }

  public long numPoints() {
    return numPoints;
  }

  /** The reduced points; do not modify. */
  public Matrix points() {
    return z;
  }

  public double[] weights() {
    return beta.clone();
  }

  /** {@code ‖μ‖² = βᵀ K_zz β}; computed once. */
  public double squaredNorm() {
    double norm = squaredNorm;
    if (Double.isNaN(norm)) {
      norm = GaussianKernel.innerProduct(gamma, z, beta, z, beta);
      squaredNorm = norm;
    }
    return norm;
  }

  /** Whether the two embeddings live in the same space: same dimension and kernel bandwidth. */
  public boolean comparableWith(Rkme other) {
    return dimension() == other.dimension() && Double.compare(gamma, other.gamma) == 0;
  }

  /** {@code ⟨μ_this, μ_other⟩}. */
  public double innerProduct(Rkme other) {
    requireComparable(other);
    return GaussianKernel.innerProduct(gamma, z, beta, other.z, other.beta);
  }

  /** {@code MMD² = ‖μ_this − μ_other‖²}, never negative. */
  public double mmdSquared(Rkme other) {
    return mmdSquared(other, innerProduct(other));
  }

  /** {@link #mmdSquared(Rkme)} when the inner product is already known. */
  public double mmdSquared(Rkme other, double innerProduct) {
    return Math.max(0, squaredNorm() + other.squaredNorm() - 2 * innerProduct);
  }

  /**
   * A similarity in [0, 1]: {@code 2⟨μ_a, μ_b⟩ / (‖μ_a‖² + ‖μ_b‖²) = 1 − MMD² / (‖μ_a‖² + ‖μ_b‖²)}.
   * It is 1 for identical embeddings and 0 when no point of one is near any point of the other,
   * independently of how spread out the data are.
   */
  public static double similarity(double mmdSquared, double squaredNormA, double squaredNormB) {
    double scale = squaredNormA + squaredNormB;
    return scale > 0 ? Math.clamp(1 - mmdSquared / scale, 0, 1) : 0;
  }

  /**
   * Draws synthetic points whose empirical embedding approximates this one (kernel herding over a
   * candidate pool; see {@link Herding}).
   *
   * @param count how many points
   * @param seed fixes the candidate pool
   */
  public Matrix herd(int count, long seed) {
    return Herding.herd(this, count, new SplittableRandom(seed));
  }

  private void requireComparable(Rkme other) {
    if (!comparableWith(other)) {
      throw new IllegalArgumentException(
          "RKMEs of dimension %d (gamma %s) and %d (gamma %s) live in different spaces"
              .formatted(dimension(), gamma, other.dimension(), other.gamma));
    }
  }

  @Override
  public String toString() {
    return "Rkme[K=%d, d=%d, gamma=%s, n=%d]".formatted(size(), dimension(), gamma, numPoints);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Rkme that
        && Double.compare(gamma, that.gamma) == 0
        && numPoints == that.numPoints
        && z.equals(that.z)
        && Arrays.equals(beta, that.beta);
  }

  @Override
  public int hashCode() {
    return 31 * z.hashCode() + Arrays.hashCode(beta);
  }
}
