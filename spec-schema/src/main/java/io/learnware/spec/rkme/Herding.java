package io.learnware.spec.rkme;

import java.util.SplittableRandom;

/**
 * Kernel herding (Chen, Welling & Smola 2010) from an RKME: points {@code x_1, x_2, …} chosen
 * greedily so that their empirical embedding tracks {@code μ}, each maximising {@code μ(x) −
 * (1/(t+1)) Σ_{s≤t} k(x, x_s)}.
 *
 * <p>The maximisation runs over a candidate pool rather than the continuous space: candidates are
 * reduced points drawn in proportion to β and jittered with Gaussian noise of half the β-weighted
 * spread of the reduced points in each coordinate, so that herded points cover the data's region
 * without copying the reduced points. Each candidate is used at most once.
 */
final class Herding {

  private static final int MIN_POOL = 1000;
  private static final int MAX_POOL = 20_000;
  private static final int POOL_PER_POINT = 4;

  private Herding() {}

  static Matrix herd(Rkme rkme, int count, SplittableRandom random) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    int poolSize = Math.max(count, Math.clamp((long) POOL_PER_POINT * count, MIN_POOL, MAX_POOL));
    Matrix pool = pool(rkme, poolSize, random);
    double[] target = new double[poolSize];
    double[] kernelRow = new double[rkme.size()];
    GaussianKernel toReduced = new GaussianKernel(rkme.gamma(), rkme.points());
    double[] poolNorms = pool.rowSquaredNorms();
    double[] beta = rkme.weights();
    for (int p = 0; p < poolSize; p++) {
      toReduced.row(pool.data(), p * pool.columns(), poolNorms[p], kernelRow);
      double sum = 0;
      for (int j = 0; j < beta.length; j++) {
        sum += beta[j] * kernelRow[j];
      }
      target[p] = sum;
    }
    GaussianKernel toPool = new GaussianKernel(rkme.gamma(), pool);
    double[] herded = new double[poolSize];
    double[] row = new double[poolSize];
    boolean[] used = new boolean[poolSize];
    int d = rkme.dimension();
    double[] out = new double[count * d];
    for (int t = 0; t < count; t++) {
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int p = 0; p < poolSize; p++) {
        double score = target[p] - herded[p] / (t + 1);
        if (!used[p] && score > bestScore) {
          bestScore = score;
          best = p;
        }
      }
      used[best] = true;
      System.arraycopy(pool.data(), best * d, out, t * d, d);
      toPool.row(pool.data(), best * d, poolNorms[best], row);
      for (int p = 0; p < poolSize; p++) {
        herded[p] += row[p];
      }
    }
    return new Matrix(count, d, out);
  }

  private static Matrix pool(Rkme rkme, int size, SplittableRandom random) {
    Matrix z = rkme.points();
    double[] beta = rkme.weights();
    int d = z.columns();
    double[] spread = weightedSpread(z, beta);
    double[] cumulative = new double[beta.length];
    double running = 0;
    for (int j = 0; j < beta.length; j++) {
      running += beta[j];
      cumulative[j] = running;
    }
    double[] out = new double[size * d];
    for (int p = 0; p < size; p++) {
      double u = random.nextDouble() * running;
      int j = 0;
      while (j < beta.length - 1 && cumulative[j] <= u) {
        j++;
      }
      for (int c = 0; c < d; c++) {
        out[p * d + c] = z.get(j, c) + 0.5 * spread[c] * StrictGaussian.next(random);
      }
    }
    return new Matrix(size, d, out);
  }

  /** The β-weighted standard deviation of each coordinate of the reduced points. */
  private static double[] weightedSpread(Matrix z, double[] beta) {
    int d = z.columns();
    double[] mean = new double[d];
    double[] spread = new double[d];
    for (int j = 0; j < z.rows(); j++) {
      for (int c = 0; c < d; c++) {
        mean[c] += beta[j] * z.get(j, c);
      }
    }
    for (int j = 0; j < z.rows(); j++) {
      for (int c = 0; c < d; c++) {
        double delta = z.get(j, c) - mean[c];
        spread[c] += beta[j] * delta * delta;
      }
    }
    for (int c = 0; c < d; c++) {
      spread[c] = Math.sqrt(spread[c]);
    }
    return spread;
  }
}
