package io.learnware.spec.rkme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaussianKernelTest {

  @Test
  void tiledInnerProductMatchesTheDefinitionForEveryRemainder() {
    SplittableRandom random = new SplittableRandom(4);
    for (int n = 1; n <= 5; n++) {
      for (int m = 1; m <= 9; m++) {
        Matrix a = new Matrix(n, 3, random.doubles(n * 3L, -1, 1).toArray());
        Matrix b = new Matrix(m, 3, random.doubles(m * 3L, -1, 1).toArray());
        double[] wa = random.doubles(n).toArray();
        double[] wb = random.doubles(m).toArray();
        double expected = 0;
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < m; j++) {
            double distance = 0;
            for (int c = 0; c < 3; c++) {
              distance += Math.pow(a.get(i, c) - b.get(j, c), 2);
            }
            expected += wa[i] * wb[j] * Math.exp(-0.7 * distance);
          }
        }

        assertThat(GaussianKernel.innerProduct(0.7, a, wa, b, wb))
            .as("n=%d m=%d", n, m)
            .isCloseTo(expected, offset(1e-12));
      }
    }
  }

  @Test
  void kernelMatrixOfAPointWithItselfIsOne() {
    Matrix a = Matrix.of(new double[][] {{1e8, 1}, {0, 0}});
    double[] k = GaussianKernel.matrix(0.1, a, a);
    assertThat(k).containsExactly(1, 0, 0, 1);
  }
}
