package io.learnware.worker.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The L-BFGS solver and the logistic-regression head against problems with known optima. */
class LbfgsTest {

  private static final Lbfgs.Monitor QUIET = iteration -> {};

  @Test
  void solvesAQuadraticToItsClosedForm() {
    // f(x) = ½ x'Ax − b'x with A symmetric positive definite: the minimum is A⁻¹b.
    int n = 6;
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i][j] = 1.0 / (i + j + 1) + (i == j ? 0.5 : 0); // Hilbert plus a ridge: ill-conditioned
      }
    }
    double[] b = {1, -2, 3, -4, 5, -6};
    Lbfgs.Objective f =
        (x, g) -> {
          double value = 0;
          for (int i = 0; i < n; i++) {
            g[i] = -b[i];
            for (int j = 0; j < n; j++) {
              g[i] += a[i][j] * x[j];
            }
            value += 0.5 * x[i] * (g[i] - b[i]);
          }
          return value;
        };
    Lbfgs.Result result =
        Lbfgs.minimize(f, new double[n], new Lbfgs.Settings(10, 1000, 1e-12, 0), QUIET);
    double[] expected = solve(a, b);
    assertThat(result.converged()).isTrue();
    for (int i = 0; i < n; i++) {
      assertThat(result.x()[i]).isCloseTo(expected[i], within(1e-9));
    }
    // A quadratic in n dimensions: BFGS with exact curvature pairs needs about n iterations.
    assertThat(result.iterations()).isLessThan(60);
  }

  @Test
  void findsTheMinimumOfRosenbrocksFunction() {
    Lbfgs.Objective rosenbrock =
        (x, g) -> {
          double u = 1 - x[0];
          double v = x[1] - x[0] * x[0];
          g[0] = -2 * u - 400 * x[0] * v;
          g[1] = 200 * v;
          return u * u + 100 * v * v;
        };
    int[] seen = new int[1];
    Lbfgs.Result result =
        Lbfgs.minimize(
            rosenbrock,
            new double[] {-1.2, 1},
            new Lbfgs.Settings(5, 1000, 1e-10, 0),
            iteration -> seen[0] = iteration);
    assertThat(result.converged()).isTrue();
    assertThat(result.x()[0]).isCloseTo(1, within(1e-8));
    assertThat(result.x()[1]).isCloseTo(1, within(1e-8));
    assertThat(result.value()).isLessThan(1e-16);
    assertThat(seen[0]).isEqualTo(result.iterations());
  }

  @Test
  void stopsAtTheIterationLimitWithoutClaimingConvergence() {
    Lbfgs.Objective rosenbrock =
        (x, g) -> {
          double u = 1 - x[0];
          double v = x[1] - x[0] * x[0];
          g[0] = -2 * u - 400 * x[0] * v;
          g[1] = 200 * v;
          return u * u + 100 * v * v;
        };
    Lbfgs.Result result =
        Lbfgs.minimize(
            rosenbrock, new double[] {-1.2, 1}, new Lbfgs.Settings(5, 3, 1e-10, 0), QUIET);
    assertThat(result.converged()).isFalse();
    assertThat(result.iterations()).isEqualTo(3);
  }

  @Test
  void theHeadsGradientIsTheDerivativeOfItsLoss() {
    // 7 rows, 3 features, 3 classes; central differences at a random point.
    float[] x = {
      0.3f, -1.2f, 2.0f, 1.1f, 0.4f, -0.7f, -0.5f, 0.9f, 0.1f, 2.2f, -0.3f, 0.6f, -1.4f, 1.5f,
      -0.2f, 0.8f, 0.0f, 1.3f, -0.9f, -1.1f, 0.5f
    };
    int[] y = {0, 1, 2, 1, 0, 2, 1};
    SoftmaxRegression head = new SoftmaxRegression(x, 3, y, 3);
    Lbfgs.Objective f = head.objective(new int[] {0, 1, 2, 3, 4, 5, 6}, 0.7);
    double[] theta = {0.2, -0.4, 0.1, 0.5, 0.3, -0.6, -0.2, 0.7, 0.05, 0.1, -0.3, 0.2};
    double[] gradient = new double[theta.length];
    f.evaluate(theta, gradient);
    for (int i = 0; i < theta.length; i++) {
      double h = 1e-6;
      double[] up = theta.clone();
      double[] down = theta.clone();
      up[i] += h;
      down[i] -= h;
      double[] unused = new double[theta.length];
      double numeric = (f.evaluate(up, unused) - f.evaluate(down, unused)) / (2 * h);
      assertThat(gradient[i]).as("component %d", i).isCloseTo(numeric, within(1e-8));
    }
  }

  @Test
  void withoutInformativeFeaturesTheHeadPredictsTheClassShares() {
    // One constant feature: standardised to 0, so only the intercepts count, and at the optimum
    // softmax(b) is the share of each class: b_c − b_0 = log(n_c / n_0).
    int[] y = {0, 1, 1, 2, 2, 2, 2, 1, 2, 2};
    float[] x = new float[y.length];
    Arrays.fill(x, 3f);
    SoftmaxRegression head = new SoftmaxRegression(x, 1, y, 3);
    SoftmaxRegression.Solution solution =
        head.solve(
            SoftmaxRegression.Validation.crossValidation(y, 3, 2),
            Lbfgs.Settings.MEASURE,
            Lbfgs.Settings.PRECISE,
            (done, step) -> {});
    float[] b = solution.bias();
    assertThat(solution.refit().converged()).isTrue();
    assertThat(solution.weights()[0]).isCloseTo(0f, within(1e-6f));
    assertThat((double) (b[1] - b[0])).isCloseTo(Math.log(3.0 / 1), within(1e-5));
    assertThat((double) (b[2] - b[0])).isCloseTo(Math.log(6.0 / 1), within(1e-5));
  }

  @Test
  void aSymmetricTwoClassProblemMeetsItsOptimalityCondition() {
    // m rows at x = +a of class 1, m at x = −a of class 0: standardised to ±1. By symmetry the
    // optimum has w₁ = −w₀ = u and equal intercepts, where λu = 2m(1 − σ(2u)) (the gradient of
    // Σ CE + λ/2 (w₀² + w₁²) vanishes); u found by bisection.
    int m = 20;
    double a = 2.5;
    float[] x = new float[2 * m];
    int[] y = new int[2 * m];
    for (int i = 0; i < 2 * m; i++) {
      y[i] = i % 2;
      x[i] = (float) (y[i] == 1 ? a : -a);
    }
    SoftmaxRegression head = new SoftmaxRegression(x, 1, y, 2);
    for (double penalty : SoftmaxRegression.PENALTIES) {
      double lo = 0;
      double hi = 100;
      for (int i = 0; i < 200; i++) {
        double u = (lo + hi) / 2;
        double residual = penalty * u - 2 * m * (1 - 1 / (1 + Math.exp(-2 * u)));
        if (residual > 0) {
          hi = u;
        } else {
          lo = u;
        }
      }
      double u = (lo + hi) / 2;
      int[] all = new int[2 * m];
      Arrays.setAll(all, i -> i);
      Lbfgs.Result result =
          Lbfgs.minimize(
              head.objective(all, penalty), new double[4], Lbfgs.Settings.PRECISE, QUIET);
      // Parameters: w₀, w₁ (one feature each), then b₀, b₁.
      assertThat(result.converged()).as("λ %g", penalty).isTrue();
      assertThat(result.x()[1]).as("λ %g", penalty).isCloseTo(u, within(1e-5 * Math.max(1, u)));
      assertThat(result.x()[0]).as("λ %g", penalty).isCloseTo(-u, within(1e-5 * Math.max(1, u)));
    }
  }

  @Test
  void crossValidationFoldsAreEachRowsRankInItsClassModuloK() {
    int[] y = {0, 1, 0, 0, 1, 0, 1, 0};
    SoftmaxRegression.Validation v = SoftmaxRegression.Validation.crossValidation(y, 2, 3);
    // Class 0: rows 0, 2, 3, 5, 7 → folds 0, 1, 2, 0, 1; class 1: rows 1, 4, 6 → folds 0, 1, 2.
    assertThat(v.folds()[0]).containsExactly(0, 1, 5);
    assertThat(v.folds()[1]).containsExactly(2, 4, 7);
    assertThat(v.folds()[2]).containsExactly(3, 6);
    assertThat(v.rows()).isEqualTo(8);
    assertThat(v.name()).isEqualTo("3-fold cross-validation");
  }

  /** Gaussian elimination with partial pivoting. */
  private static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = Arrays.copyOf(a[i], n + 1);
      m[i][n] = b[i];
    }
    for (int c = 0; c < n; c++) {
      int pivot = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
          pivot = r;
        }
      }
      double[] swap = m[c];
      m[c] = m[pivot];
      m[pivot] = swap;
      for (int r = c + 1; r < n; r++) {
        double factor = m[r][c] / m[c][c];
        for (int k = c; k <= n; k++) {
          m[r][k] -= factor * m[c][k];
        }
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double sum = m[r][n];
      for (int k = r + 1; k < n; k++) {
        sum -= m[r][k] * x[k];
      }
      x[r] = sum / m[r][r];
    }
    return x;
  }
}
