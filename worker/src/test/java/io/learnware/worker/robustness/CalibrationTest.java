package io.learnware.worker.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CalibrationTest {

  @Test
  void isZeroForPerfectlyCalibratedData() {
    // Ten predictions at confidence 0.8, eight right; two at 0.5, one right.
    float[][] p = new float[12][];
    int[] labels = new int[12];
    for (int i = 0; i < 10; i++) {
      p[i] = new float[] {0.8f, 0.2f};
      labels[i] = i < 8 ? 0 : 1;
    }
    p[10] = new float[] {0.5f, 0.5f};
    p[11] = new float[] {0.5f, 0.5f};
    labels[10] = 0;
    labels[11] = 1;
    assertThat(Calibration.expectedCalibrationError(p, labels, 10)).isCloseTo(0, within(1e-6));
  }

  @Test
  void matchesAHandComputedExample() {
    float[][] p = {
      {0.9f, 0.1f}, // confidence 0.9, right
      {0.8f, 0.2f}, // 0.8, wrong
      {0.3f, 0.7f}, // 0.7, right
      {0.4f, 0.35f, 0.25f} // 0.4, wrong
    };
    int[] labels = {0, 1, 1, 2};
    // Bin (0.5, 1]: 3 samples, accuracy 2/3, mean confidence 0.8 → 3/4 · 2/15 = 0.1.
    // Bin (0, 0.5]: 1 sample, accuracy 0, confidence 0.4 → 1/4 · 0.4 = 0.1.
    assertThat(Calibration.expectedCalibrationError(p, labels, 2)).isCloseTo(0.2, within(1e-6));
    // One bin: accuracy 2/4, mean confidence 0.7 → 0.2 as well. Ten bins, which are closed on the
    // right: 0.8f is just above 0.8 and shares (0.8, 0.9] with 0.9f → 2/4 · |1/2 − 0.85| = 0.175;
    // 0.7 alone → 1/4 · 0.3; 0.4 alone → 1/4 · 0.4; in all 0.35.
    assertThat(Calibration.expectedCalibrationError(p, labels, 1)).isCloseTo(0.2, within(1e-6));
    assertThat(Calibration.expectedCalibrationError(p, labels, 10)).isCloseTo(0.35, within(1e-6));
    // The reliability diagram behind the two-bin ECE: only non-empty bins, in order.
    var bins = Calibration.reliability(p, labels, 2);
    assertThat(bins).hasSize(2);
    assertThat(bins.get(0).from()).isEqualTo(0.0);
    assertThat(bins.get(0).to()).isEqualTo(0.5);
    assertThat(bins.get(0).count()).isEqualTo(1);
    assertThat(bins.get(0).confidence()).isCloseTo(0.4, within(1e-6));
    assertThat(bins.get(0).accuracy()).isEqualTo(0.0);
    assertThat(bins.get(1).count()).isEqualTo(3);
    assertThat(bins.get(1).confidence()).isCloseTo(0.8, within(1e-6));
    assertThat(bins.get(1).accuracy()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(Calibration.reliability(p, labels, 10)).hasSize(3);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(
            () -> Calibration.expectedCalibrationError(new float[][] {{1f}}, new int[] {0}, 0))
        .hasMessage("bins must be > 0, got 0");
    assertThatThrownBy(
            () -> Calibration.expectedCalibrationError(new float[][] {{1f}}, new int[] {0, 1}, 5))
        .hasMessage("need as many labels as rows, at least one; got 1 rows and 2 labels");
  }

  @Test
  void softmaxIsStable() {
    float[][] p = Calibration.softmax(new float[][] {{0, (float) Math.log(3)}, {1000, 1000}});
    assertThat(p[0][0]).isCloseTo(0.25f, within(1e-6f));
    assertThat(p[0][1]).isCloseTo(0.75f, within(1e-6f));
    assertThat(p[1]).containsExactly(0.5f, 0.5f);
  }
}
