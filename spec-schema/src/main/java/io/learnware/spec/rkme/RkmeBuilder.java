package io.learnware.spec.rkme;

import io.learnware.spec.SpecLimits;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Computes the RKME of a data matrix, as in the learnware literature (Wu et al., "Model Reuse with
 * Reduced Kernel Mean Embedding Specification", 2021): k-means initialisation of the reduced points
 * Z, weights β from the quadratic program {@code min ½βᵀK_zzβ − βᵀk} over the simplex (where {@code
 * k_j} is the mean kernel value between {@code z_j} and the data), then a few alternating steps: a
 * gradient step on Z, β re-solved.
 *
 * <p>The gradient step is preconditioned per point by {@code 1/(4γβ_j k_j)}, which turns it into a
 * mean-shift move towards the kernel-weighted mean of the data near {@code z_j}, pushed away from
 * the other reduced points; a step is kept only if the embedding's distance to the data drops, and
 * otherwise retried at half the length. Deterministic for a given seed: parallel partial sums are
 * added in a fixed order.
 *
 * <p>Required: {@link #setData}. Optional: {@link #optPoints} (default 100), {@link #optGamma}
 * (0.1), {@link #optSteps} (3), {@link #optSeed} (0), {@link #optListener}.
 */
public final class RkmeBuilder {

  /** Reports progress of a long construction. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param stage what runs: {@code "k-means"}, {@code "weights"} or {@code "step i/n"}
     * @param fraction overall progress in [0, 1]
     */
    void progress(String stage, double fraction);
  }

  public static final int DEFAULT_POINTS = 100;
  public static final double DEFAULT_GAMMA = 0.1;
  public static final int DEFAULT_STEPS = 3;

  private static final int KMEANS_ITERATIONS = 10;
  private static final int KMEANS_SAMPLE_PER_CENTRE = 50;
  private static final int MIN_KMEANS_SAMPLE = 5000;
  private static final int CHUNK_ROWS = 2048;

  private Matrix data;
  private int points = DEFAULT_POINTS;
  private double gamma = DEFAULT_GAMMA;
  private int steps = DEFAULT_STEPS;
  private long seed;
  private Listener listener = (stage, fraction) -> {};

  RkmeBuilder() {}

  /** The n×d data; rows with NaN or infinite values get their column's mean in those places. */
  public RkmeBuilder setData(Matrix data) {
    this.data = Objects.requireNonNull(data, "data");
    return this;
  }

  /** K, the number of reduced points (capped so that K·d stays within the specification limit). */
  public RkmeBuilder optPoints(int points) {
    if (points < 1) {
      throw new IllegalArgumentException("points must be at least 1, got " + points);
    }
    this.points = points;
    return this;
  }

  public RkmeBuilder optGamma(double gamma) {
    if (!(gamma > 0) || Double.isInfinite(gamma)) {
      throw new IllegalArgumentException("gamma must be a positive number, got " + gamma);
    }
    this.gamma = gamma;
    return this;
  }

  /** Alternating Z/β steps after the initial weights; 0 keeps the k-means points. */
  public RkmeBuilder optSteps(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must not be negative, got " + steps);
    }
    this.steps = steps;
    return this;
  }

  public RkmeBuilder optSeed(long seed) {
    this.seed = seed;
    return this;
  }

  public RkmeBuilder optListener(Listener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** The number of reduced points a data set of {@code rows × columns} gets. */
  public static int reducedPoints(int requested, int rows, int columns) {
    int k = requested >= rows ? Math.max(1, 2 * rows / 3) : requested;
    k = Math.min(k, SpecLimits.MAX_RKME_POINTS);
    return (int) Math.max(1, Math.min(k, SpecLimits.MAX_RKME_VALUES / columns));
  }

  public Rkme build() {
    if (data == null) {
      throw new IllegalStateException("setData is required");
    }
    if (data.rows() == 0) {
      throw new IllegalArgumentException("cannot summarise an empty data set");
    }
    Matrix x = FiniteColumns.imputeColumnMeans(data);
    int k = reducedPoints(points, x.rows(), x.columns());
    SplittableRandom random = new SplittableRandom(seed);
    listener.progress("k-means", 0);
    Matrix z = KMeans.centres(x, k, KMEANS_ITERATIONS, sampleSize(x.rows(), k), random);
    double total = steps + 2.0;
    listener.progress("weights", 1 / total);
    Pass pass = pass(x, z);
    double[] kzz = GaussianKernel.matrix(gamma, z, z);
    double[] beta = SimplexQp.solve(kzz, pass.meanKernel);
    double objective = SimplexQp.objective(kzz, pass.meanKernel, beta);
    double eta = 1;
    for (int step = 1; step <= steps; step++) {
      listener.progress("step %d/%d".formatted(step, steps), (step + 1) / total);
      Matrix moved = move(z, beta, kzz, pass, eta);
      Pass movedPass = pass(x, moved);
      double[] movedKzz = GaussianKernel.matrix(gamma, moved, moved);
      double[] movedBeta = SimplexQp.solve(movedKzz, movedPass.meanKernel);
      double movedObjective = SimplexQp.objective(movedKzz, movedPass.meanKernel, movedBeta);
      if (movedObjective < objective) {
        z = moved;
        pass = movedPass;
        kzz = movedKzz;
        beta = movedBeta;
        objective = movedObjective;
      } else {
        eta /= 2;
      }
    }
    listener.progress("done", 1);
    return new Rkme(gamma, x.rows(), z, beta);
  }

  private static int sampleSize(int rows, int k) {
    return Math.min(rows, Math.max(MIN_KMEANS_SAMPLE, KMEANS_SAMPLE_PER_CENTRE * k));
  }

  /**
   * Per reduced point: {@code meanKernel_j = (1/n)Σ_i k(x_i, z_j)} and {@code weightedSum_j =
   * (1/n)Σ_i k(x_i, z_j)·x_i}.
   */
  private record Pass(double[] meanKernel, double[] weightedSum) {}

  private Pass pass(Matrix x, Matrix z) {
    int k = z.rows();
    int d = x.columns();
    GaussianKernel kernel = new GaussianKernel(gamma, z);
    int chunks = (x.rows() + CHUNK_ROWS - 1) / CHUNK_ROWS;
    double[][] partial = new double[chunks][];
    IntStream.range(0, chunks)
        .parallel()
        .forEach(
            chunk -> {
              double[] sums = new double[k + k * d];
              double[] row = new double[k];
              double[] values = x.data();
              int end = Math.min(x.rows(), (chunk + 1) * CHUNK_ROWS);
              for (int i = chunk * CHUNK_ROWS; i < end; i++) {
                int offset = i * d;
                double norm = 0;
                for (int c = 0; c < d; c++) {
                  norm += values[offset + c] * values[offset + c];
                }
                kernel.row(values, offset, norm, row);
                for (int j = 0; j < k; j++) {
                  double weight = row[j];
                  sums[j] += weight;
                  int base = k + j * d;
                  for (int c = 0; c < d; c++) {
                    sums[base + c] += weight * values[offset + c];
                  }
                }
              }
              partial[chunk] = sums;
            });
    double[] total = new double[k + k * d];
    for (double[] sums : partial) {
      for (int i = 0; i < total.length; i++) {
        total[i] += sums[i];
      }
    }
    double n = x.rows();
    for (int i = 0; i < total.length; i++) {
      total[i] /= n;
    }
    return new Pass(Arrays.copyOfRange(total, 0, k), Arrays.copyOfRange(total, k, total.length));
  }

  /** One preconditioned gradient step of length {@code eta} on every reduced point. */
  private static Matrix move(Matrix z, double[] beta, double[] kzz, Pass pass, double eta) {
    int k = z.rows();
    int d = z.columns();
    double[] from = z.data();
    double[] to = from.clone();
    for (int j = 0; j < k; j++) {
      double mean = pass.meanKernel[j];
      if (!(mean > 1e-300)) {
        // No data near this point: no direction to move in.
        continue;
      }
      for (int c = 0; c < d; c++) {
        double zjc = from[j * d + c];
        double attraction = pass.weightedSum[j * d + c] / mean - zjc;
        double repulsion = 0;
        for (int b = 0; b < k; b++) {
          repulsion += beta[b] * kzz[j * k + b] * (zjc - from[b * d + c]);
        }
        to[j * d + c] = zjc + eta * (attraction + repulsion / mean);
      }
    }
    return new Matrix(k, d, to);
  }
}
