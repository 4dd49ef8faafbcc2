package io.learnware.market.search;

import io.learnware.spec.rkme.Rkme;

/**
 * The low-degree part of the Gaussian kernel's feature map, written out, and what it bounds.
 *
 * <p>Around a center {@code c}, with {@code x = z − c}, {@code k(x, y) = a(x)·a(y)·exp(2γ x·y)}
 * where {@code a(x) = exp(−γ‖x‖²)}, and {@code exp(2γ s) = Σ_p (2γ s)^p / p!}. So {@code φ(x) =
 * a(x)·(1, √(2γ)·x, γ√2·x⊗x, …)}: one block per degree, the blocks orthogonal. An embedding {@code
 * μ = Σ β_j φ(z_j)} splits into its blocks of degree ≤ 2 (≤ 3 when {@code cubic}), written out here
 * as {@link #size()} numbers, and the rest, of which only the norm is known: {@code ‖rest‖² = ‖μ‖²
 * − ‖f‖²}. For two embeddings, {@code MMD² = ‖f_a − f_b‖² + ‖rest_a − rest_b‖² ≥ ‖f_a − f_b‖² +
 * (‖rest_a‖ − ‖rest_b‖)²}: a lower bound that costs {@link #size()} multiply-adds instead of {@code
 * K_a·K_b·d}. The same holds for any leading blocks, with everything above them as the rest.
 *
 * <p>The bound holds for any center; it is tightest when the center is near the data (the
 * higher-degree rest shrinks with {@code ‖x‖}), so each space uses the mean of its stored points.
 * Above {@link #QUADRATIC_UP_TO} dimensions the quadratic block would be too large and only degrees
 * 0 and 1 are written out. The cubic block ({@code d(d+1)(d+2)/6} numbers: 183 KB at d = 64) is
 * written out for spaces small enough ({@link FeatureIndex}); where the data spread over many
 * directions, as the benchmark's topics do, it holds much of what the quadratic bound misses.
 */
final class TaylorFeatures {

  /** Dimensions up to which the quadratic block ({@code d(d+1)/2} numbers) is written out. */
  static final int QUADRATIC_UP_TO = 96;

  /** Points whose cubic blocks are added in one pass. */
  private static final int BLOCK = 4;

  private final int dimension;
  private final double gamma;
  private final double[] center;
  private final boolean quadratic;
  private final boolean cubic;
  private final int quadraticSize;
  private final int size;

  TaylorFeatures(double gamma, double[] center) {
    this(gamma, center, false);
  }

  /**
   * @param cubic whether the cubic block is written out too (only up to {@link #QUADRATIC_UP_TO}
   *     dimensions)
   */
  TaylorFeatures(double gamma, double[] center, boolean cubic) {
    this.dimension = center.length;
    this.gamma = gamma;
    this.center = center.clone();
    this.quadratic = dimension <= QUADRATIC_UP_TO;
    this.cubic = cubic && quadratic;
    this.quadraticSize = 1 + dimension + (quadratic ? dimension * (dimension + 1) / 2 : 0);
    this.size = quadraticSize + (this.cubic ? cubicSize(dimension) : 0);
  }

  /** How many numbers the cubic block has at {@code dimension}. */
  static int cubicSize(int dimension) {
    return dimension * (dimension + 1) * (dimension + 2) / 6;
  }

  /** How many numbers an embedding's written-out part has. */
  int size() {
    return size;
  }

  /** How many of them are of degree 0 and 1 (they come first). */
  int linearSize() {
    return 1 + dimension;
  }

  /** How many of them are of degree at most 2 (they come first). */
  int quadraticSize() {
    return quadraticSize;
  }

  /** Whether the cubic block is written out. */
  boolean cubic() {
    return cubic;
  }

  /**
   * An embedding's written-out part, rounded to float; {@code rest} is the norm of the part not
   * written out, {@code beyondLinear} and {@code beyondQuadratic} that of everything above degree 1
   * and 2, and {@code rounding} the norm of what rounding to float moved.
   */
  record Features(
      float[] values, double rest, double beyondLinear, double beyondQuadratic, double rounding) {}

  /** The features of an embedding whose squared norm is {@code squaredNorm}. */
  Features of(Rkme rkme, double squaredNorm) {
    double[] f = new double[size];
    accumulate(rkme, 0, rkme.size(), f);
    return features(f, squaredNorm);
  }

  /** Adds the features of points {@code [from, to)} to {@code f}. */
  private void accumulate(Rkme rkme, int from, int to, double[] f) {
    double[] data = rkme.points().data();
    double[] beta = rkme.weights();
    double linearScale = Math.sqrt(2 * gamma);
    double diagonal = gamma * Math.sqrt(2);
    double offDiagonal = 2 * gamma;
    // Points four at a time, so that the cubic block is read and written once per four; a
    // missing fourth has weight 0.
    double[][] x = new double[BLOCK][dimension];
    double[] a = new double[BLOCK];
    for (int first = from; first < to; first += BLOCK) {
      for (int b = 0; b < BLOCK; b++) {
        int j = first + b;
        if (j >= to) {
          a[b] = 0;
          java.util.Arrays.fill(x[b], 0);
          continue;
        }
        double norm = 0;
        for (int c = 0; c < dimension; c++) {
          x[b][c] = data[j * dimension + c] - center[c];
          norm += x[b][c] * x[b][c];
        }
        a[b] = beta[j] * Math.exp(-gamma * norm);
        f[0] += a[b];
        for (int c = 0; c < dimension; c++) {
          f[1 + c] += a[b] * linearScale * x[b][c];
        }
        if (quadratic) {
          int at = 1 + dimension;
          for (int p = 0; p < dimension; p++) {
            double ax = a[b] * x[b][p];
            f[at++] += ax * x[b][p] * diagonal;
            for (int q = p + 1; q < dimension; q++) {
              f[at++] += ax * x[b][q] * offDiagonal;
            }
          }
        }
      }
      if (cubic) {
        addCubic(x, a, f);
      }
    }
  }

  /** Adds the cubic blocks of {@link #BLOCK} points (rows of {@code x}, weights {@code a}). */
  private void addCubic(double[][] x, double[] a, double[] f) {
    // (2γ)³/3! times the number of orderings of the monomial's three indices, square-rooted.
    double cube = Math.pow(2 * gamma, 1.5);
    double allEqual = cube / Math.sqrt(6);
    double twoEqual = cube / Math.sqrt(2);
    double[] x0 = x[0];
    double[] x1 = x[1];
    double[] x2 = x[2];
    double[] x3 = x[3];
    int at = quadraticSize;
    for (int p = 0; p < dimension; p++) {
      for (int q = p; q < dimension; q++) {
        double s0 = a[0] * x0[p] * x0[q];
        double s1 = a[1] * x1[p] * x1[q];
        double s2 = a[2] * x2[p] * x2[q];
        double s3 = a[3] * x3[p] * x3[q];
        // x_p x_q x_r for r ≥ q: the first term repeats q, the others repeat nothing more.
        f[at] +=
            (s0 * x0[q] + s1 * x1[q] + s2 * x2[q] + s3 * x3[q]) * (p == q ? allEqual : twoEqual);
        double scale = p == q ? twoEqual : cube;
        s0 *= scale;
        s1 *= scale;
        s2 *= scale;
        s3 *= scale;
        // Indexed by r alone, so that the JIT vectorises it.
        int shift = at - q;
        for (int r = q + 1; r < dimension; r++) {
          f[shift + r] += s0 * x0[r] + s1 * x1[r] + s2 * x2[r] + s3 * x3[r];
        }
        at += dimension - q;
      }
    }
  }

  private Features features(double[] f, double squaredNorm) {
    float[] values = new float[size];
    double written = 0;
    double linear = 0;
    double upToQuadratic = 0;
    double rounding = 0;
    for (int i = 0; i < size; i++) {
      values[i] = (float) f[i];
      double square = f[i] * f[i];
      written += square;
      if (i < linearSize()) {
        linear += square;
      }
      if (i < quadraticSize) {
        upToQuadratic += square;
      }
      double moved = values[i] - f[i];
      rounding += moved * moved;
    }
    return new Features(
        values,
        Math.sqrt(Math.max(0, squaredNorm - written)),
        Math.sqrt(Math.max(0, squaredNorm - linear)),
        Math.sqrt(Math.max(0, squaredNorm - upToQuadratic)),
        Math.sqrt(rounding));
  }
}
