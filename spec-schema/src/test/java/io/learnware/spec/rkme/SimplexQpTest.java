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
}
