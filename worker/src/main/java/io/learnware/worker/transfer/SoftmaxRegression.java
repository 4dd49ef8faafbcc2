package io.learnware.worker.transfer;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A linear head on frozen features solved to its optimum: multinomial logistic regression with an
 * L2 penalty, the convex problem that training a linear softmax head is.
 *
 * <p>The features are standardised (each to mean 0 and variance 1 over the labelled rows; a feature
 * without variance keeps scale 1), and for a penalty λ the head minimises {@code Σ_i CE_i + λ/2
 * ‖W‖²} over the rows it is fitted on (cross-entropy of the softmax, intercepts not penalised:
 * scikit-learn's {@code LogisticRegression(multi_class="multinomial")} with {@code C = 1/λ}) by
 * {@link Lbfgs}. λ is chosen from {@link #PENALTIES}, strongest first, by the mean accuracy over
 * {@link #FOLDS} cross-validation folds (or on a hold-out, for many rows); ties go to the stronger
 * penalty, and the path stops after {@link #PATH_PATIENCE} penalties in a row worse than the best.
 * The head is then refitted on all rows with it, and its weights are mapped back to the
 * unstandardised features, so that a plain linear layer computes it.
 */
final class SoftmaxRegression {

  /** The penalties tried, strongest first: λ = 10⁴ … 10⁻⁴ (scikit-learn's C = 10⁻⁴ … 10⁴). */
  static final double[] PENALTIES = {1e4, 1e3, 1e2, 1e1, 1, 1e-1, 1e-2, 1e-3, 1e-4};

  /**
   * The path stops once this many penalties in a row validate worse than the best so far (ties do
   * not count): weaker penalties are the slowest to solve and, past a peak, rarely better.
   */
  static final int PATH_PATIENCE = 2;

  /** Validation accuracies closer than this are equal. */
  private static final double TIE = 1e-9;

  /** Problems of at least this many multiply-adds per evaluation are evaluated in parallel. */
  private static final long PARALLEL_WORK = 1L << 20;

  /** Rows per parallel chunk, at least. */
  private static final int CHUNK_ROWS = 128;

  private static final int MAX_CHUNKS = 16;

  /** The chunks' gradients together hold at most this many numbers. */
  private static final long MAX_PARTIAL_NUMBERS = 1L << 23;

  /** Folds of the cross-validation. */
  static final int FOLDS = 5;

  /** Called after every L-BFGS iteration; may throw to cancel. */
  @FunctionalInterface
  interface Monitor {
    /**
     * @param done the share of the planned fits done before this one
     * @param step which fit, e.g. {@code penalty 3/9 (λ 100), fold 2/5}
     */
    void iterationDone(double done, String step);
  }

  /**
   * Which rows choose the penalty: {@code folds} lists, for each fold, the rows it validates (the
   * others fit); a hold-out is one such fold.
   */
  record Validation(String name, int[][] folds, int rows) {

    /**
     * {@value #FOLDS} folds, fixed: a row's fold is its rank among the rows of its class, in row
     * order, modulo {@code k}. So each fold holds a fifth of every class.
     */
    static Validation crossValidation(int[] labels, int classes, int k) {
      int[] seen = new int[classes];
      int[] sizes = new int[k];
      int[] fold = new int[labels.length];
      for (int i = 0; i < labels.length; i++) {
        fold[i] = seen[labels[i]]++ % k;
        sizes[fold[i]]++;
      }
      int[][] folds = new int[k][];
      int[] filled = new int[k];
      for (int f = 0; f < k; f++) {
        folds[f] = new int[sizes[f]];
      }
      for (int i = 0; i < labels.length; i++) {
        folds[fold[i]][filled[fold[i]]++] = i;
      }
      return new Validation(k + "-fold cross-validation", folds, labels.length);
    }

    /** One hold-out: {@code validation} rows validate, the rest fit. */
    static Validation holdOut(int[] validation) {
      return new Validation("hold-out", new int[][] {validation.clone()}, validation.length);
    }
  }

  /**
   * A solved head.
   *
   * @param weights {@code classes × features} weights on the unstandardised features, row after row
   *     (a DJL {@code Linear} layer's {@code weight})
   * @param bias {@code classes} intercepts
   * @param penalty the chosen λ
   * @param accuracy the validation accuracy at λ (mean over folds)
   * @param accuracies the validation accuracy at each of {@link #PENALTIES} tried (the first ones)
   * @param refit the refit on all rows at λ
   * @param fits L-BFGS runs, the refit included
   * @param iterations their iterations in all
   * @param allConverged whether every run met its tolerance
   */
  record Solution(
      float[] weights,
      float[] bias,
      double penalty,
      double accuracy,
      double[] accuracies,
      Lbfgs.Result refit,
      int fits,
      long iterations,
      boolean allConverged) {}

  private final double[] x;
  private final int[] y;
  private final int d;
  private final int k;
  private final double[] mean;
  private final double[] scale;

  /**
   * @param features {@code rows × width} numbers, row after row (not changed)
   * @param labels class indices
   */
  SoftmaxRegression(float[] features, int width, int[] labels, int classes) {
    int n = labels.length;
    if (features.length != (long) n * width) {
      throw new IllegalArgumentException(
          "%d numbers are not %d rows of %d".formatted(features.length, n, width));
    }
    this.y = labels.clone();
    this.d = width;
    this.k = classes;
    this.mean = new double[d];
    this.scale = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        mean[j] += features[i * d + j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        double v = features[i * d + j] - mean[j];
        scale[j] += v * v;
      }
    }
    for (int j = 0; j < d; j++) {
      double sd = Math.sqrt(scale[j] / n);
      // As scikit-learn's StandardScaler: a constant feature is centred, not scaled.
      scale[j] = sd < 10 * Math.ulp(1.0) * Math.max(1, Math.abs(mean[j])) ? 1 : sd;
    }
    this.x = new double[features.length];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i * d + j] = (features[i * d + j] - mean[j]) / scale[j];
      }
    }
  }

  /**
   * Chooses λ on {@code validation}, refits on all rows with it.
   *
   * @param search the L-BFGS settings of the validation fits (only their predictions count)
   * @param refit the L-BFGS settings of the refit on all rows, the head that is kept
   */
  Solution solve(
      Validation validation, Lbfgs.Settings search, Lbfgs.Settings refit, Monitor monitor) {
    int n = y.length;
    int folds = validation.folds().length;
    int[][] fitting = new int[folds][];
    double[][] theta = new double[folds][parameters()];
    for (int f = 0; f < folds; f++) {
      fitting[f] = complement(validation.folds()[f], n);
    }
    int planned = folds * PENALTIES.length + 1;
    int fits = planned;
    List<Double> accuracies = new ArrayList<>();
    double[] start = null;
    int best = 0;
    int fit = 0;
    long iterations = 0;
    boolean allConverged = true;
    // The path from the strongest penalty down; in each fold, each fit starts where the last
    // ended.
    for (int p = 0; p < PENALTIES.length; p++) {
      double accuracy = 0;
      double[] mean = new double[parameters()];
      for (int f = 0; f < folds; f++) {
        double done = (double) fit++ / planned;
        String step =
            "penalty %d/%d (λ %s), %s"
                .formatted(
                    p + 1,
                    PENALTIES.length,
                    plain(PENALTIES[p]),
                    folds == 1 ? "hold-out" : "fold %d/%d".formatted(f + 1, folds));
        Lbfgs.Result result =
            Lbfgs.minimize(
                objective(fitting[f], PENALTIES[p]),
                theta[f],
                search,
                it -> monitor.iterationDone(done, step));
        theta[f] = result.x();

        iterations += result.iterations();
        allConverged &= result.converged();
        accuracy += accuracy(theta[f], validation.folds()[f]);
        for (int i = 0; i < mean.length; i++) {
          mean[i] += theta[f][i] / folds;
        }
      }
      accuracies.add(accuracy / folds);
      // Equal up to rounding is a tie, which the stronger penalty wins.
      if (p == 0 || accuracies.get(p) > accuracies.get(best) + TIE) {
        best = p;
        start = mean;
      } else if (worseInARow(accuracies, best) >= PATH_PATIENCE) {
        fits = fit + 1;
        break;
      }
    }
    String step = "refit on all rows (λ %s)".formatted(plain(PENALTIES[best]));
    double done = (planned - 1.0) / planned;
    int[] all = new int[n];
    Arrays.setAll(all, i -> i);
    Lbfgs.Result solution =
        Lbfgs.minimize(
            objective(all, PENALTIES[best]), start, refit, it -> monitor.iterationDone(done, step));
    iterations += solution.iterations();
    allConverged &= solution.converged();
    float[] weights = new float[k * d];
    float[] bias = new float[k];
    double[] solved = solution.x();
    for (int c = 0; c < k; c++) {
      double shift = solved[k * d + c];
      for (int j = 0; j < d; j++) {
        double w = solved[c * d + j] / scale[j];
        weights[c * d + j] = (float) w;
        shift -= w * mean[j];
      }
      bias[c] = (float) shift;
    }
    return new Solution(
        weights,
        bias,
        PENALTIES[best],
        accuracies.get(best),
        accuracies.stream().mapToDouble(Double::doubleValue).toArray(),
        solution,
        fits,
        iterations,
        allConverged);
  }

  /** A penalty for people: {@code 10000}, {@code 0.01}. */
  static String plain(double penalty) {
    return BigDecimal.valueOf(penalty).stripTrailingZeros().toPlainString();
  }

  /** How many of the last accuracies are below the best's (by more than a tie). */
  private static int worseInARow(List<Double> accuracies, int best) {
    int worse = 0;
    for (int p = accuracies.size() - 1;
        p > best && accuracies.get(p) < accuracies.get(best) - TIE;
        p--) {
      worse++;
    }
    return worse;
  }

  private int parameters() {
    return k * d + k;
  }

  private static int[] complement(int[] rows, int n) {
    boolean[] out = new boolean[n];
    for (int r : rows) {
      out[r] = true;
    }
    int[] rest = new int[n - rows.length];
    int filled = 0;
    for (int i = 0; i < n; i++) {
      if (!out[i]) {
        rest[filled++] = i;
      }
    }
    return rest;
  }

  /**
   * The mean of {@code Σ_i CE_i + λ/2 ‖W‖²} over {@code rows}: dividing by the row count keeps the
   * gradient's scale, and so the tolerance, independent of the rows. Large problems are evaluated
   * in chunks of rows in parallel; the chunks depend on the row count alone and their sums are
   * added in order, so the result is the same on any number of cores.
   */
  Lbfgs.Objective objective(int[] rows, double penalty) {
    int parameters = parameters();
    int chunks = 1;
    if ((long) rows.length * d * k >= PARALLEL_WORK) {
      chunks = Math.ceilDiv(rows.length, CHUNK_ROWS);
      chunks = Math.min(chunks, Math.max(1, (int) (MAX_PARTIAL_NUMBERS / parameters)));
      chunks = Math.min(chunks, MAX_CHUNKS);
    }
    int count = chunks;
    double[][] partial = new double[count][parameters];
    double[] partialLoss = new double[count];
    double perRow = penalty / rows.length;
    return (theta, gradient) -> {
      if (count == 1) {
        partialLoss[0] = chunk(theta, rows, 0, rows.length, gradient);
      } else {
        IntStream.range(0, count)
            .parallel()
            .forEach(
                c ->
                    partialLoss[c] =
                        chunk(
                            theta,
                            rows,
                            (int) ((long) rows.length * c / count),
                            (int) ((long) rows.length * (c + 1) / count),
                            partial[c]));
        System.arraycopy(partial[0], 0, gradient, 0, parameters);
        for (int c = 1; c < count; c++) {
          for (int i = 0; i < parameters; i++) {
            gradient[i] += partial[c][i];
          }
        }
      }
      double loss = 0;
      for (int c = 0; c < count; c++) {
        loss += partialLoss[c];
      }
      double squares = 0;
      for (int i = 0; i < k * d; i++) {
        squares += theta[i] * theta[i];
      }
      double m = rows.length;
      for (int i = 0; i < parameters; i++) {
        gradient[i] /= m;
      }
      for (int i = 0; i < k * d; i++) {
        gradient[i] += perRow * theta[i];
      }
      return loss / m + perRow / 2 * squares;
    };
  }

  /**
   * The summed cross-entropy of {@code rows[from .. to)}; its gradient is written into {@code
   * gradient}.
   */
  private double chunk(double[] theta, int[] rows, int from, int to, double[] gradient) {
    Arrays.fill(gradient, 0);
    double[] z = new double[k];
    double loss = 0;
    for (int i = from; i < to; i++) {
      int r = rows[i];
      int offset = r * d;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        z[c] = theta[k * d + c] + dot(theta, c * d, offset);
        max = Math.max(max, z[c]);
      }
      double sum = 0;
      for (int c = 0; c < k; c++) {
        sum += Math.exp(z[c] - max);
      }
      double logSum = max + Math.log(sum);
      loss += logSum - z[y[r]];
      for (int c = 0; c < k; c++) {
        double residual = Math.exp(z[c] - logSum) - (c == y[r] ? 1 : 0);
        if (residual != 0) {
          int w = c * d;
          for (int j = 0; j < d; j++) {
            gradient[w + j] += residual * x[offset + j];
          }
          gradient[k * d + c] += residual;
        }
      }
    }
    return loss;
  }

  /** {@code θ[w .. w+d) · x[offset .. offset+d)}, in four running sums. */
  private double dot(double[] theta, int w, int offset) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = 0;
    for (; j + 3 < d; j += 4) {
      s0 += theta[w + j] * x[offset + j];
      s1 += theta[w + j + 1] * x[offset + j + 1];
      s2 += theta[w + j + 2] * x[offset + j + 2];
      s3 += theta[w + j + 3] * x[offset + j + 3];
    }
    for (; j < d; j++) {
      s0 += theta[w + j] * x[offset + j];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** The share of {@code rows} whose largest logit (the first, on a tie) is their label. */
  double accuracy(double[] theta, int[] rows) {
    int right = 0;
    for (int r : rows) {
      int best = 0;
      double bestLogit = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double z = theta[k * d + c] + dot(theta, c * d, r * d);
        if (z > bestLogit) {
          bestLogit = z;
          best = c;
        }
      }
      right += best == y[r] ? 1 : 0;
    }
    return (double) right / rows.length;
  }
}
