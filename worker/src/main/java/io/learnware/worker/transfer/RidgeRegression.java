package io.learnware.worker.transfer;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * A linear regression head on frozen features solved in closed form: ridge regression, {@code min
 * Σ_i (y_i − w·x_i − b)² + α ‖w‖²}, the intercept {@code b} fitted and not penalised, the features
 * as they are (not rescaled): scikit-learn's {@code Ridge(alpha)}. For each α the solution is
 * {@code w = (X̃ᵀX̃ + αI)⁻¹ X̃ᵀỹ} on the rows centred about their means, {@code b = ȳ − w·x̄}, by a
 * Cholesky factorisation.
 *
 * <p>α is chosen from {@link #ALPHAS} by the mean squared error over {@link #FOLDS} contiguous
 * folds of the rows (scikit-learn's {@code RidgeCV(alphas, cv=KFold(5))}: the mean of the folds'
 * errors, the first α on a tie), then the head is refitted on all rows with it.
 */
final class RidgeRegression {

  /** Half decades from 10⁻³ to 10³, written to six significant digits as the reference does. */
  static final double[] ALPHAS = alphas();

  /** Folds of the cross-validation. */
  static final int FOLDS = 5;

  /**
   * A solved head.
   *
   * @param weights one per feature
   * @param alpha the chosen α
   * @param cvMse the cross-validated mean squared error for each of {@link #ALPHAS}
   * @param outOfFold every row's prediction at α by the fold's fit that did not see it
   */
  record Solution(float[] weights, float bias, double alpha, double[] cvMse, float[] outOfFold) {

    /** The index of α in {@link #ALPHAS}. */
    int chosen() {
      return Arrays.binarySearch(ALPHAS, alpha);
    }
  }

  private final double[] x;
  private final double[] y;
  private final int d;

  /**
   * @param features {@code rows × width} numbers, row after row (not changed)
   * @param targets one per row
   */
  RidgeRegression(float[] features, int width, double[] targets) {
    int n = targets.length;
    if (features.length != (long) n * width) {
      throw new IllegalArgumentException(
          "%d numbers are not %d rows of %d".formatted(features.length, n, width));
    }
    this.d = width;
    this.y = targets.clone();
    this.x = new double[features.length];
    for (int i = 0; i < features.length; i++) {
      x[i] = features[i];
    }
  }

  /**
   * The contiguous folds of {@code n} rows, as scikit-learn's {@code KFold(5)} without shuffling:
   * the first {@code n % 5} folds hold one row more.
   *
   * @return for each fold, its first row and the row after its last
   */
  static int[][] folds(int n) {
    int[][] out = new int[FOLDS][];
    int start = 0;
    for (int f = 0; f < FOLDS; f++) {
      int size = n / FOLDS + (f < n % FOLDS ? 1 : 0);
      out[f] = new int[] {start, start + size};
      start += size;
    }
    return out;
  }

  /** Chooses α by cross-validation, refits on all rows with it. */
  Solution solve() {
    int n = y.length;
    if (n < FOLDS) {
      throw new IllegalArgumentException(
          "%d rows cannot be split into %d folds".formatted(n, FOLDS));
    }
    int[][] folds = folds(n);
    Normal[] fits = new Normal[FOLDS];
    for (int f = 0; f < FOLDS; f++) {
      int from = folds[f][0];
      int to = folds[f][1];
      fits[f] = normal(row -> row < from || row >= to);
    }
    // Every (α, fold) pair is a separate solve: run them in parallel, each into its own slot.
    double[][] foldMse = new double[ALPHAS.length][FOLDS];
    float[][][] predictions = new float[ALPHAS.length][FOLDS][];
    IntStream.range(0, ALPHAS.length * FOLDS)
        .parallel()
        .forEach(
            job -> {
              int a = job / FOLDS;
              int f = job % FOLDS;
              double[] theta = fits[f].solve(ALPHAS[a]);
              float[] predicted = predict(theta, folds[f][0], folds[f][1]);
              predictions[a][f] = predicted;
              double sum = 0;
              for (int i = 0; i < predicted.length; i++) {
                double e = y[folds[f][0] + i] - predicted[i];
                sum += e * e;
              }
              foldMse[a][f] = sum / predicted.length;
            });
    double[] cvMse = new double[ALPHAS.length];
    int best = 0;
    for (int a = 0; a < ALPHAS.length; a++) {
      cvMse[a] = Arrays.stream(foldMse[a]).sum() / FOLDS;
      if (cvMse[a] < cvMse[best]) {
        best = a;
      }
    }
    float[] outOfFold = new float[n];
    for (int f = 0; f < FOLDS; f++) {
      System.arraycopy(
          predictions[best][f], 0, outOfFold, folds[f][0], predictions[best][f].length);
    }
    double[] theta = normal(row -> true).solve(ALPHAS[best]);
    float[] weights = new float[d];
    for (int j = 0; j < d; j++) {
      weights[j] = (float) theta[j];
    }
    return new Solution(weights, (float) theta[d], ALPHAS[best], cvMse, outOfFold);
  }

  /**
   * {@code b + w·x} for the rows {@code from .. to − 1}; {@code theta} is {@code w} then {@code b}.
   */
  private float[] predict(double[] theta, int from, int to) {
    float[] out = new float[to - from];
    for (int row = from; row < to; row++) {
      double sum = theta[d];
      for (int j = 0; j < d; j++) {
        sum += theta[j] * x[row * d + j];
      }
      out[row - from] = (float) sum;
    }
    return out;
  }

  @FunctionalInterface
  private interface RowFilter {
    boolean includes(int row);
  }

  /** The centred normal equations of the rows {@code included} selects. */
  private Normal normal(RowFilter included) {
    int n = y.length;
    double[] mean = new double[d];
    double yMean = 0;
    int count = 0;
    for (int row = 0; row < n; row++) {
      if (included.includes(row)) {
        for (int j = 0; j < d; j++) {
          mean[j] += x[row * d + j];
        }
        yMean += y[row];
        count++;
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= count;
    }
    yMean /= count;
    double[] gram = new double[d * d];
    double[] moment = new double[d];
    double[] centred = new double[d];
    for (int row = 0; row < n; row++) {
      if (!included.includes(row)) {
        continue;
      }
      for (int j = 0; j < d; j++) {
        centred[j] = x[row * d + j] - mean[j];
      }
      double t = y[row] - yMean;
      for (int j = 0; j < d; j++) {
        double v = centred[j];
        moment[j] += v * t;
        // The lower triangle; the factorisation reads no more.
        for (int i = 0; i <= j; i++) {
          gram[j * d + i] += v * centred[i];
        }
      }
    }
    return new Normal(d, gram, moment, mean, yMean);
  }

  /** {@code X̃ᵀX̃} (lower triangle), {@code X̃ᵀỹ} and the means they were centred about. */
  private record Normal(int d, double[] gram, double[] moment, double[] mean, double yMean) {

    /** {@code w} and then {@code b} for α. */
    double[] solve(double alpha) {
      // Cholesky of G + αI, G's lower triangle read row by row: L·Lᵀ, L in its own array.
      double[] l = new double[d * d];
      for (int j = 0; j < d; j++) {
        for (int i = 0; i <= j; i++) {
          double sum = gram[j * d + i] + (i == j ? alpha : 0);
          for (int k = 0; k < i; k++) {
            sum -= l[j * d + k] * l[i * d + k];
          }
          if (i == j) {
            if (!(sum > 0)) {
              throw new IllegalStateException("the ridge system is not positive definite");
            }
            l[j * d + j] = Math.sqrt(sum);
          } else {
            l[j * d + i] = sum / l[i * d + i];
          }
        }
      }
      double[] z = new double[d];
      for (int j = 0; j < d; j++) {
        double sum = moment[j];
        for (int k = 0; k < j; k++) {
          sum -= l[j * d + k] * z[k];
        }
        z[j] = sum / l[j * d + j];
      }
      double[] theta = new double[d + 1];
      for (int j = d - 1; j >= 0; j--) {
        double sum = z[j];
        for (int k = j + 1; k < d; k++) {
          sum -= l[k * d + j] * theta[k];
        }
        theta[j] = sum / l[j * d + j];
      }
      double bias = yMean;
      for (int j = 0; j < d; j++) {
        bias -= theta[j] * mean[j];
      }
      theta[d] = bias;
      return theta;
    }
  }

  /** For people: {@code 3.16228}, {@code 1000}. */
  static String plain(double alpha) {
    return BigDecimal.valueOf(alpha).stripTrailingZeros().toPlainString();
  }

  private static double[] alphas() {
    double[] out = new double[13];
    for (int k = -6; k <= 6; k++) {
      out[k + 6] = new BigDecimal(Math.pow(10, k / 2.0)).round(new MathContext(6)).doubleValue();
    }
    return out;
  }
}
