package io.learnware.spec.rkme;

/**
 * The Gaussian kernel {@code k(x, y) = exp(−γ‖x − y‖²)} between sets of points.
 *
 * <p>Distances are computed as {@code ‖x‖² + ‖y‖² − 2x·y} with the second set transposed, so the
 * innermost loop is a unit-stride multiply-add over the second set that the JIT vectorises.
 */
final class GaussianKernel {

  private final double gamma;
  private final int dimension;
  private final int count;
  private final double[] transposed;
  private final double[] norms;

  /** Prepares {@code points} as the second argument of {@link #row}. */
  GaussianKernel(double gamma, Matrix points) {
    this.gamma = gamma;
    this.dimension = points.columns();
    this.count = points.rows();
    this.transposed = points.transposed();
    this.norms = points.rowSquaredNorms();
  }

  int count() {
    return count;
  }

  /**
   * Writes {@code k(x, p_j)} for every prepared point {@code p_j} into {@code out[0..count)}.
   *
   * @param x the data array holding the point
   * @param offset where the point starts in {@code x}
   * @param xNorm the point's squared norm
   */
  void row(double[] x, int offset, double xNorm, double[] out) {
    java.util.Arrays.fill(out, 0, count, 0);
    for (int c = 0; c < dimension; c++) {
      double v = x[offset + c];
      int base = c * count;
      for (int j = 0; j < count; j++) {
        out[j] += v * transposed[base + j];
      }
    }
    for (int j = 0; j < count; j++) {
      // Rounding can make the expanded distance slightly negative for (nearly) equal points.
      double distance = Math.max(0, xNorm + norms[j] - 2 * out[j]);
      out[j] = Math.exp(-gamma * distance);
    }
  }

  /** The full kernel matrix {@code k(a_i, b_j)}, row-major {@code a.rows() × b.rows()}. */
  static double[] matrix(double gamma, Matrix a, Matrix b) {
    GaussianKernel kernel = new GaussianKernel(gamma, b);
    double[] aNorms = a.rowSquaredNorms();
    double[] out = new double[Math.multiplyExact(a.rows(), b.rows())];
    double[] row = new double[b.rows()];
    for (int i = 0; i < a.rows(); i++) {
      kernel.row(a.data(), i * a.columns(), aNorms[i], row);
      System.arraycopy(row, 0, out, i * b.rows(), b.rows());
    }
    return out;
  }

  /** {@code Σ_ij wa_i · wb_j · k(a_i, b_j)}: the inner product of two weighted embeddings. */
  static double innerProduct(double gamma, Matrix a, double[] wa, Matrix b, double[] wb) {
    GaussianKernel kernel = new GaussianKernel(gamma, b);
    double[] aNorms = a.rowSquaredNorms();
    double[] row = new double[b.rows()];
    double sum = 0;
    for (int i = 0; i < a.rows(); i++) {
      if (wa[i] == 0) {
        continue;
      }
      kernel.row(a.data(), i * a.columns(), aNorms[i], row);
      double rowSum = 0;
      for (int j = 0; j < row.length; j++) {
        rowSum += wb[j] * row[j];
      }
      sum += wa[i] * rowSum;
    }
    return sum;
  }
}
