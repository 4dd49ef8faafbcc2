package io.learnware.worker.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.learnware.spec.rkme.Matrix;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NoiseTest {

  @Test
  void hasTheRequestedMeanAndStandardDeviation() {
    Matrix zeros = Matrix.zeros(100, 1000);
    double[] noisy = Noise.gaussian(zeros, 0.5, 42, -100, 100).data();
    double sum = 0;
    double squares = 0;
    for (double v : noisy) {
      sum += v;
      squares += v * v;
    }
    double mean = sum / noisy.length;
    double std = Math.sqrt(squares / noisy.length - mean * mean);
    // Standard errors on 100k draws: 0.5/√1e5 ≈ 0.0016 for the mean, ≈ 0.0011 for the std.
    assertThat(mean).isCloseTo(0, within(0.008));
    assertThat(std).isCloseTo(0.5, within(0.006));
    assertThat(zeros.data()).containsOnly(0.0);
  }

  @Test
  void isReproducibleForASeedAndClipped() {
    Matrix images = Matrix.of(new double[][] {{0.5, 0.5, 0.5, 0.5}, {0.0, 1.0, 0.25, 0.75}});
    Matrix a = Noise.gaussian(images, 0.3, 7, 0, 1);
    assertThat(Noise.gaussian(images, 0.3, 7, 0, 1)).isEqualTo(a);
    assertThat(Noise.gaussian(images, 0.3, 8, 0, 1)).isNotEqualTo(a);
    assertThat(Arrays.stream(a.data()).boxed().toList())
        .allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
    Matrix clipped = Noise.gaussian(Matrix.zeros(1, 1000), 1, 3, -0.1, 0.1);
    assertThat(Arrays.stream(clipped.data()).boxed().toList())
        .allSatisfy(v -> assertThat(v).isBetween(-0.1, 0.1));
    assertThat(clipped.data()).contains(-0.1, 0.1);
    assertThat(Noise.gaussian(images, 0, 7, 0, 1)).isEqualTo(images);
  }

  @Test
  void rejectsBadArguments() {
    Matrix images = Matrix.zeros(1, 2);
    assertThatThrownBy(() -> Noise.gaussian(images, -1, 0, 0, 1))
        .hasMessage("sigma must be finite and ≥ 0, got -1.0");
    assertThatThrownBy(() -> Noise.gaussian(images, 0.1, 0, 1, 0))
        .hasMessage("need low ≤ high, got [1.0, 0.0]");
  }
}
