package io.learnware.market.search;

import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;

/**
 * The low-degree part of the Gaussian kernel's feature map, written out, and what it bounds.
 *
 * <p>Around a center {@code c}, with {@code x = z − c}, {@code k(x, y) = a(x)·a(y)·exp(2γ x·y)}
 * where {@code a(x) = exp(−γ‖x‖²)}, and {@code exp(2γ s) = Σ_p (2γ s)^p / p!}. So {@code φ(x) =
 * a(x)·(1, √(2γ)·x, γ√2·x⊗x, …)}: one block per degree, the blocks orthogonal. An embedding {@code
 * μ = Σ β_j φ(z_j)} splits into its blocks of degree ≤ 2, written out here as {@link #size()}
 * numbers, and the rest, of which only the norm is known: {@code ‖rest‖² = ‖μ‖² − ‖f‖²}. For two
 * embeddings, {@code MMD² = ‖f_a − f_b‖² + ‖rest_a − rest_b‖² ≥ ‖f_a − f_b‖² + (‖rest_a‖ −
 * ‖rest_b‖)²}: a lower bound that costs {@link #size()} multiply-adds instead of {@code K_a·K_b·d}.
 *
 * <p>The bound holds for any center; it is tightest when the center is near the data (the
 * higher-degree rest shrinks with {@code ‖x‖}), so each space uses the mean of its stored points.
 * Above {@link #QUADRATIC_UP_TO} dimensions the quadratic block would be too large and only degrees
 * 0 and 1 are written out.
 */
final class TaylorFeatures {

  /** Dimensions up to which the quadratic block ({@code d(d+1)/2} numbers) is written out. */
  static final int QUADRATIC_UP_TO = 96;

  private final int dimension;
  private final double gamma;
  private final double[] center;
  private final boolean quadratic;
  private final int size;

  TaylorFeatures(double gamma, double[] center) {
    this.dimension = center.length;
    this.gamma = gamma;
    this.center = center.clone();
    this.quadratic = dimension <= QUADRATIC_UP_TO;
    this.size = 1 + dimension + (quadratic ? dimension * (dimension + 1) / 2 : 0);
  }

  /** How many numbers an embedding's written-out part has. */
  int size() {
    return size;
  }

  /**
   * {@code k} points of {@code rows} (row-major) less the center, with {@code −γ‖x‖²} for each:
   * what {@link Centered#restKernel} needs.
   */
  Centered centered(double[] rows, int k) {
    double[] out = new double[k * dimension];
    double[] logDamping = new double[k];
    for (int i = 0; i < k; i++) {
      double norm = 0;
      for (int c = 0; c < dimension; c++) {
        double x = rows[i * dimension + c] - center[c];
        out[i * dimension + c] = x;
        norm += x * x;
      }
      logDamping[i] = -gamma * norm;
    }
    return new Centered(out, logDamping, 2 * gamma, quadratic);
  }

  /** Centered points and their {@code −γ‖x‖²}. */
  record Centered(double[] rows, double[] logDamping, double twoGamma, boolean quadratic) {

    /**
     * {@code ⟨rest(φ(a)), rest(φ(b))⟩ = k(a, b) − ⟨f(φ(a)), f(φ(b))⟩} for points {@code i} and
     * {@code j} whose centered dot product is {@code dot}: {@code e^{−γ‖x‖²−γ‖y‖²}·(e^u − Σ_{p ≤
     * degree} u^p/p!)} with {@code u = 2γ x·y}. Where {@code u} is small, {@code expm1} keeps it
     * accurate; elsewhere {@code e^u} is taken together with the damping (that product is {@code
     * k(a, b) ≤ 1}), so that points far from the center do not overflow.
     */
    double restKernel(int i, int j, double dot) {
      double u = twoGamma * dot;
      double logDampings = logDamping[i] + logDamping[j];
      double beyondOne = u + (quadratic ? u * u / 2 : 0);
      if (Math.abs(u) <= 1) {
        return Math.exp(logDampings) * (Math.expm1(u) - beyondOne);
      }
      return Math.exp(logDampings + u) - Math.exp(logDampings) * (1 + beyondOne);
    }
  }

  /** How many of them are of degree 0 and 1 (they come first). */
  int linearSize() {
    return 1 + dimension;
  }

  /**
   * An embedding's written-out part, rounded to float; {@code rest} is the norm of the part not
   * written out, {@code beyondLinear} that of everything above degree 1 (the quadratic block and
   * the rest), and {@code rounding} the norm of what rounding to float moved.
   */
  record Features(float[] values, double rest, double beyondLinear, double rounding) {}

  /** The features of an embedding whose squared norm is {@code squaredNorm}. */
  Features of(Rkme rkme, double squaredNorm) {
    Matrix z = rkme.points();
    double[] beta = rkme.weights();
    double[] f = new double[size];
    double[] x = new double[dimension];
    double linearScale = Math.sqrt(2 * gamma);
    double diagonal = gamma * Math.sqrt(2);
    double offDiagonal = 2 * gamma;
    double[] data = z.data();
    for (int j = 0; j < z.rows(); j++) {
      double norm = 0;
      for (int c = 0; c < dimension; c++) {
        x[c] = data[j * dimension + c] - center[c];
        norm += x[c] * x[c];
      }
      double a = beta[j] * Math.exp(-gamma * norm);
      f[0] += a;
      for (int c = 0; c < dimension; c++) {
        f[1 + c] += a * linearScale * x[c];
      }
      if (quadratic) {
        int at = 1 + dimension;
        for (int p = 0; p < dimension; p++) {
          double ax = a * x[p];
          f[at++] += ax * x[p] * diagonal;
          for (int q = p + 1; q < dimension; q++) {
            f[at++] += ax * x[q] * offDiagonal;
          }
        }
      }
    }
    float[] values = new float[size];
    double written = 0;
    double linear = 0;
    double rounding = 0;
    for (int i = 0; i < size; i++) {
      values[i] = (float) f[i];
      written += f[i] * f[i];
      if (i < linearSize()) {
        linear += f[i] * f[i];
      }
      double moved = values[i] - f[i];
      rounding += moved * moved;
    }
    return new Features(
        values,
        Math.sqrt(Math.max(0, squaredNorm - written)),
        Math.sqrt(Math.max(0, squaredNorm - linear)),
        Math.sqrt(rounding));
  }
}
