package io.learnware.spec.rkme;

import java.util.Arrays;

/**
 * Minimises {@code ½·wᵀAw − wᵀb} over the probability simplex ({@code w ≥ 0, Σw = 1}) for a
 * symmetric positive semi-definite {@code A}: the weight problem of both the RKME (β) and the
 * mixture recommendation.
 *
 * <p>Accelerated projected gradient (FISTA) with step {@code 1/L}, {@code L} the largest eigenvalue
 * of {@code A} from power iteration. The problem is small (at most a thousand weights) and convex,
 * so a first-order method converges to solver precision in a few hundred iterations.
 */
final class SimplexQp {

  private static final int MAX_ITERATIONS = 2000;
  private static final double TOLERANCE = 1e-12;

  private SimplexQp() {}

  /**
   * @param a row-major {@code n×n} matrix
   * @param b vector of {@code n}
   * @return the minimiser; exact zeros where the constraint is active
   */
  static double[] solve(double[] a, double[] b) {
    int n = b.length;
    if (n == 1) {
      return new double[] {1};
    }
    double lipschitz = largestEigenvalue(a, n);
    if (!(lipschitz > 0)) {
      // A is zero: the objective is linear and the best vertex wins.
      double[] w = new double[n];
      w[argMax(b)] = 1;
      return w;
    }
    double step = 1 / lipschitz;
    double[] w = new double[n];
    Arrays.fill(w, 1.0 / n);
    double[] y = w.clone();
    double[] gradient = new double[n];
    double[] next = new double[n];
    double t = 1;
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      multiply(a, y, gradient);
      for (int i = 0; i < n; i++) {
        next[i] = y[i] - step * (gradient[i] - b[i]);
      }
      projectOntoSimplex(next);
      double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
      double momentum = (t - 1) / tNext;
      double change = 0;
      for (int i = 0; i < n; i++) {
        double delta = next[i] - w[i];
        change += delta * delta;
        y[i] = next[i] + momentum * delta;
      }
      System.arraycopy(next, 0, w, 0, n);
      t = tNext;
      if (change < TOLERANCE * TOLERANCE) {
        break;
      }
    }
    return w;
  }

  /** The largest problem {@link #solveBySupports} takes: it tries all {@code 2ⁿ − 1} supports. */
  static final int MAX_EXACT = 10;

  /**
   * The exact minimiser of a problem of at most {@link #MAX_EXACT} weights: on each support {@code
   * S} the minimiser over the simplex's face solves the KKT system {@code A_S w − λ1 = b_S, Σw =
   * 1}; the best feasible one ({@code w ≥ 0}) over all supports is the optimum.
   *
   * <p>A mixture's candidates can be near-duplicates, whose Gram matrix is nearly singular; there
   * {@link #solve} runs all its iterations (most of a search's mixture time), while this takes
   * microseconds. An ill-conditioned face can only give a feasible point whose objective is
   * evaluated directly, so the answer is never worse than the best vertex or well-posed face.
   */
  static double[] solveBySupports(double[] a, double[] b) {
    int n = b.length;
    if (n > MAX_EXACT) {
      throw new IllegalArgumentException(n + " weights: at most " + MAX_EXACT);
    }
    double[] best = null;
    double bestValue = Double.POSITIVE_INFINITY;
    for (int mask = 1; mask < 1 << n; mask++) {
      double[] w = faceMinimiser(a, b, mask);
      if (w == null) {
        continue;
      }
      double value = objective(a, b, w);
      if (value < bestValue) {
        bestValue = value;
        best = w;
      }
    }
    return best;
  }

  /**
   * The stationary point of the face {@code mask} by Gaussian elimination with partial pivoting, or
   * null when it is singular or leaves the simplex.
   */
  private static double[] faceMinimiser(double[] a, double[] b, int mask) {
    int n = b.length;
    int k = Integer.bitCount(mask);
    int[] support = new int[k];
    for (int i = 0, o = 0; i < n; i++) {
      if ((mask & 1 << i) != 0) {
        support[o++] = i;
      }
    }
    // Unknowns w_S and λ; rows: A_S w − λ = b_S, then Σ w = 1.
    int size = k + 1;
    double[][] m = new double[size][size + 1];
    double scale = 0;
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < k; c++) {
        m[r][c] = a[support[r] * n + support[c]];
        scale = Math.max(scale, Math.abs(m[r][c]));
      }
      m[r][k] = -1;
      m[r][size] = b[support[r]];
    }
    for (int c = 0; c < k; c++) {
      m[k][c] = 1;
    }
    m[k][size] = 1;
    double tiny = 1e-13 * Math.max(1, scale);
    for (int col = 0; col < size; col++) {
      int pivot = col;
      for (int r = col + 1; r < size; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
          pivot = r;
        }
      }
      if (Math.abs(m[pivot][col]) <= tiny) {
        return null;
      }
      double[] swap = m[col];
      m[col] = m[pivot];
      m[pivot] = swap;
      for (int r = 0; r < size; r++) {
        if (r != col) {
          double factor = m[r][col] / m[col][col];
          for (int c = col; c <= size; c++) {
            m[r][c] -= factor * m[col][c];
          }
        }
      }
    }
    double[] w = new double[n];
    for (int r = 0; r < k; r++) {
      double value = m[r][size] / m[r][r];
      if (!(value >= 0)) {
        return null;
      }
      w[support[r]] = value;
    }
    return w;
  }

  /** {@code ½·wᵀAw − wᵀb}. */
  static double objective(double[] a, double[] b, double[] w) {
    double[] aw = new double[w.length];
    multiply(a, w, aw);
    double value = 0;
    for (int i = 0; i < w.length; i++) {
      value += w[i] * (0.5 * aw[i] - b[i]);
    }
    return value;
  }

  static void multiply(double[] a, double[] x, double[] out) {
    int n = x.length;
    for (int i = 0; i < n; i++) {
      double sum = 0;
      for (int j = 0, o = i * n; j < n; j++) {
        sum += a[o + j] * x[j];
      }
      out[i] = sum;
    }
  }

  /** Euclidean projection onto the simplex (Held, Wolfe & Crowder; sort-based). */
  static void projectOntoSimplex(double[] v) {
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    double cumulative = 0;
    double theta = 0;
    for (int i = sorted.length - 1, count = 1; i >= 0; i--, count++) {
      cumulative += sorted[i];
      double candidate = (cumulative - 1) / count;
      if (i == 0 || sorted[i - 1] <= candidate) {
        theta = candidate;
        break;
      }
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.max(0, v[i] - theta);
    }
  }

  private static double largestEigenvalue(double[] a, int n) {
    double[] x = new double[n];
    Arrays.fill(x, 1 / Math.sqrt(n));
    double[] ax = new double[n];
    double eigenvalue = 0;
    for (int iteration = 0; iteration < 100; iteration++) {
      multiply(a, x, ax);
      double norm = 0;
      for (double value : ax) {
        norm += value * value;
      }
      norm = Math.sqrt(norm);
      if (norm == 0) {
        return 0;
      }
      for (int i = 0; i < n; i++) {
        x[i] = ax[i] / norm;
      }
      if (Math.abs(norm - eigenvalue) <= 1e-9 * norm) {
        eigenvalue = norm;
        break;
      }
      eigenvalue = norm;
    }
    // A little headroom: power iteration approaches the largest eigenvalue from below.
    return eigenvalue * 1.01;
  }

  private static int argMax(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}
