package io.learnware.worker.robustness;

import io.learnware.spec.rkme.Matrix;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How far an input is from a data set: the L2 distance to its nearest row, and that distance
 * relative to how far the data's own rows typically are from their nearest neighbour. A ratio near
 * 1 means "as close as real rows are to each other"; fooling inputs far from the data score well
 * above it.
 */
public final class DataDistance {

  /**
   * Rows whose nearest-neighbour distance makes up the typical one: enough for a stable median, and
   * it keeps the cost at this many times rows × values.
   */
  public static final int SAMPLE_ROWS = 256;

  private final Matrix data;
  private final double typical;

  private DataDistance(Matrix data, double typical) {
    this.data = data;
    this.typical = typical;
  }

  /**
   * Measures the data's typical nearest-neighbour distance: the median, over up to {@value
   * #SAMPLE_ROWS} rows drawn without replacement from {@code seed}, of the distance from the row to
   * its nearest other row.
   *
   * @throws IllegalArgumentException when the data has fewer than 2 rows
   */
  public static DataDistance of(Matrix data, long seed) {
    int n = data.rows();
    if (n < 2) {
      throw new IllegalArgumentException("distances to the data need at least 2 rows, got " + n);
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int m = Math.min(n, SAMPLE_ROWS);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < m; i++) {
      int j = i + random.nextInt(n - i);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    double[] nearest = new double[m];
    for (int s = 0; s < m; s++) {
      nearest[s] =
          Math.sqrt(nearestSquared(data, data.data(), order[s] * data.columns(), order[s]));
    }
    Arrays.sort(nearest);
    double median = m % 2 == 1 ? nearest[m / 2] : (nearest[m / 2 - 1] + nearest[m / 2]) / 2;
    return new DataDistance(data, median);
  }

  /** The median nearest-neighbour distance between the data's rows. */
  public double typical() {
    return typical;
  }

  /** The L2 distance from {@code input} (one row's worth of values) to the nearest data row. */
  public double nearest(double[] input) {
    if (input.length != data.columns()) {
      throw new IllegalArgumentException(
          "the input has %d values, the data's rows %d".formatted(input.length, data.columns()));
    }
    return Math.sqrt(nearestSquared(data, input, 0, -1));
  }

  /**
   * Squared distance from x[from..from+d) to the nearest row of the data other than {@code skip}.
   */
  private static double nearestSquared(Matrix data, double[] x, int from, int skip) {
    int d = data.columns();
    double[] rows = data.data();
    double best = Double.POSITIVE_INFINITY;
    for (int r = 0; r < data.rows(); r++) {
      if (r == skip) {
        continue;
      }
      double sum = 0;
      int o = r * d;
      for (int j = 0; j < d && sum < best; j++) {
        double diff = rows[o + j] - x[from + j];
        sum += diff * diff;
      }
      best = Math.min(best, sum);
    }
    return best;
  }
}
