package io.learnware.spec.rkme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimplexQpTest {

  @Test
  void projectionOntoTheSimplexMatchesHandComputedPoints() {
    double[] inside = {0.2, 0.3, 0.5};
    SimplexQp.projectOntoSimplex(inside);
    assertThat(inside).containsExactly(new double[] {0.2, 0.3, 0.5}, offset(1e-12));

    double[] v = {2, 0, 0};
    SimplexQp.projectOntoSimplex(v);
    assertThat(v).containsExactly(new double[] {1, 0, 0}, offset(1e-12));

    double[] w = {0.5, 0.5, 0.5, -1};
    SimplexQp.projectOntoSimplex(w);
    assertThat(w).containsExactly(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0, 0}, offset(1e-12));
  }

  @Test
  void identityProblemIsTheProjectionOfB() {
    // ½‖w‖² − wᵀb = ½‖w − b‖² + const: the minimiser is the projection of b.
    double[] a = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    double[] b = {0.9, 0.6, -0.2};

    double[] w = SimplexQp.solve(a, b);

    assertThat(w).containsExactly(new double[] {0.65, 0.35, 0}, offset(1e-9));
  }

  @Test
  void beatsEveryRandomFeasiblePoint() {
    SplittableRandom random = new SplittableRandom(3);
    int n = 12;
    double[] m = new double[n * n];
    for (int i = 0; i < m.length; i++) {
      m[i] = random.nextDouble() - 0.5;
    }
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          a[i * n + j] += m[i * n + k] * m[j * n + k];
        }
      }
    }
    double[] b = random.doubles(n, -1, 1).toArray();

    double[] w = SimplexQp.solve(a, b);
    double best = SimplexQp.objective(a, b, w);

    assertThat(Arrays.stream(w).sum()).isCloseTo(1, offset(1e-12));
    assertThat(Arrays.stream(w).min().orElseThrow()).isGreaterThanOrEqualTo(0);
    for (int trial = 0; trial < 10_000; trial++) {
      double[] other = random.doubles(n, 0, 1).toArray();
      double sum = Arrays.stream(other).sum();
      for (int i = 0; i < n; i++) {
        other[i] /= sum;
      }
      assertThat(SimplexQp.objective(a, b, other)).isGreaterThanOrEqualTo(best - 1e-12);
    }
  }

  @Test
  void supportsSolveTheIdentityProblemExactly() {
    double[] a = {1, 0, 0, 0, 1, 0, 0, 0, 1};
    double[] b = {0.9, 0.6, -0.2};

    assertThat(SimplexQp.solveBySupports(a, b))
        .containsExactly(new double[] {0.65, 0.35, 0}, offset(1e-15));
  }

  @Test
  void supportsAgreeWithTheIterativeSolverOnRandomProblems() {
    SplittableRandom random = new SplittableRandom(11);
    for (int trial = 0; trial < 200; trial++) {
      int n = 2 + trial % 7;
      double[] a = randomPsd(random, n, trial % 3 == 0 ? 1e-7 : 1);
      double[] b = random.doubles(n, -1, 1).toArray();

      double[] exact = SimplexQp.solveBySupports(a, b);
      double[] iterative = SimplexQp.solve(a, b);

      assertThat(Arrays.stream(exact).sum()).isCloseTo(1, offset(1e-12));
      assertThat(Arrays.stream(exact).min().orElseThrow()).isGreaterThanOrEqualTo(0);
      // Never worse than the iterative answer, and no better than rounding allows.
      assertThat(SimplexQp.objective(a, b, exact))
          .isLessThanOrEqualTo(SimplexQp.objective(a, b, iterative) + 1e-14)
          .isCloseTo(SimplexQp.objective(a, b, iterative), offset(1e-9));
    }
  }

  @Test
  void supportsHandleNearDuplicateCandidates() {
    // A Gram matrix of five nearly equal embeddings: rank one up to 1e-12.
    int n = 5;
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i * n + j] = 1 + (i == j ? 1e-12 : 0) + 1e-13 * (i + j);
      }
    }
    double[] b = {0.5, 0.5 + 1e-12, 0.5 - 1e-12, 0.5, 0.5};

    double[] w = SimplexQp.solveBySupports(a, b);

    double value = SimplexQp.objective(a, b, w);
    SplittableRandom random = new SplittableRandom(5);
    for (int trial = 0; trial < 10_000; trial++) {
      double[] other = random.doubles(n, 0, 1).toArray();
      double sum = Arrays.stream(other).sum();
      for (int i = 0; i < n; i++) {
        other[i] /= sum;
      }
      assertThat(SimplexQp.objective(a, b, other)).isGreaterThanOrEqualTo(value - 1e-15);
    }
  }

  /**
   * {@code MMᵀ} plus {@code ridge} on the diagonal, from a random {@code n×(n−1)} M: singular-ish.
   */
  private static double[] randomPsd(SplittableRandom random, int n, double ridge) {
    int r = n - 1;
    double[] m = random.doubles(n * r, -0.5, 0.5).toArray();
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      a[i * n + i] = ridge;
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < r; k++) {
          a[i * n + j] += m[i * r + k] * m[j * r + k];
        }
      }
    }
    return a;
  }
}
