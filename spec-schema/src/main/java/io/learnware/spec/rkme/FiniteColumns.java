package io.learnware.spec.rkme;

/** Replaces NaN and infinite values with the mean of the finite values in their column. */
final class FiniteColumns {

  private FiniteColumns() {}

  /** Returns {@code x} itself when all values are finite, otherwise an imputed copy. */
  static Matrix imputeColumnMeans(Matrix x) {
    double[] values = x.data();
    int d = x.columns();
    double[] sums = new double[d];
    long[] counts = new long[d];
    boolean allFinite = true;
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (Double.isFinite(v)) {
        sums[i % d] += v;
        counts[i % d]++;
      } else {
        allFinite = false;
      }
    }
    if (allFinite) {
      return x;
    }
    double[] copy = values.clone();
    for (int i = 0; i < copy.length; i++) {
      if (!Double.isFinite(copy[i])) {
        int column = i % d;
        // A column without a single finite value carries no information; 0 is as good as any.
        copy[i] = counts[column] == 0 ? 0 : sums[column] / counts[column];
      }
    }
    return new Matrix(x.rows(), d, copy);
  }
}
