package io.learnware.worker.robustness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.learnware.spec.rkme.Matrix;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CorruptionsTest {

  private static Matrix filled(int rows, int columns, double value) {
    double[] data = new double[rows * columns];
    Arrays.fill(data, value);
    return new Matrix(rows, columns, data);
  }

  @Test
  void blurOfADeltaIsTheNormalisedKernel() {
    double[] delta = new double[81];
    delta[4 * 9 + 4] = 1;
    Matrix out = Corruptions.gaussianBlur(new Matrix(1, 81, delta), 1, 9, 9, 1.0);
    // σ = 1: radius 4, w_k = e^(−k²/2) / Σ_{|j|≤4} e^(−j²/2); the image is w_y·w_x.
    double w0 = 0.39894346935609776;
    double w1 = 0.24197144565660073;
    double w4 = 0.00013383062461474175;
    assertThat(out.get(0, 4 * 9 + 4)).isCloseTo(w0 * w0, within(1e-15));
    assertThat(out.get(0, 4 * 9 + 5)).isCloseTo(w0 * w1, within(1e-15));
    assertThat(out.get(0, 3 * 9 + 5)).isCloseTo(w1 * w1, within(1e-15));
    assertThat(out.get(0, 0)).isCloseTo(w4 * w4, within(1e-15));
    assertThat(Arrays.stream(out.data()).sum()).isCloseTo(1, within(1e-12));
  }

  @Test
  void blurRepeatsTheEdgeAndKeepsConstantsAndChannelsApart() {
    // σ = 0.4: radius ⌊1.6 + ½⌋ = 2. A delta at the left edge keeps the weights reaching past
    // the edge: (w0 + w1 + w2)/S at x = 0, (w1 + w2)/S at x = 1 (offset −2 clamps to x = 0),
    // w2/S at x = 2.
    Matrix edge =
        Corruptions.gaussianBlur(Matrix.of(new double[][] {{1, 0, 0, 0, 0}}), 1, 1, 5, 0.4);
    assertThat(edge.data()[0]).isCloseTo(0.9596089578463974, within(1e-15));
    assertThat(edge.data()[1])
        .isCloseTo(0.04038761654724125 + 3.425606361348098e-06, within(1e-15));
    assertThat(edge.data()[2]).isCloseTo(3.425606361348098e-06, within(1e-18));
    assertThat(edge.data()[3]).isZero();
    // Two channels, 2×2: each channel constant stays its own constant.
    Matrix constant = Matrix.of(new double[][] {{0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75}});
    assertThat(Corruptions.gaussianBlur(constant, 2, 2, 2, 1.0).data())
        .containsExactly(
            new double[] {0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75}, within(1e-15));
  }

  @Test
  void contrastScalesAroundEachChannelsMean() {
    Matrix constant = Matrix.of(new double[][] {{0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75}});
    assertThat(Corruptions.contrast(constant, 2, 2, 2, 0.3)).isEqualTo(constant);
    // Channel 0 has mean 0.5, channel 1 mean 0.25; c = 0.5 halves the distances to them.
    Matrix image = Matrix.of(new double[][] {{0, 1, 0, 1, 0, 0, 0, 1}});
    assertThat(Corruptions.contrast(image, 2, 2, 2, 0.5).data())
        .containsExactly(0.25, 0.75, 0.25, 0.75, 0.125, 0.125, 0.125, 0.625);
  }

  @Test
  void brightnessAddsAndClips() {
    Matrix image = Matrix.of(new double[][] {{0.1, 0.95, 0.5, 0}});
    assertThat(Corruptions.brightness(image, 0.1).data())
        .containsExactly(new double[] {0.2, 1, 0.6, 0.1}, within(1e-15));
    assertThat(Corruptions.brightness(image, -0.2).data())
        .containsExactly(new double[] {0, 0.75, 0.3, 0}, within(1e-15));
  }

  @Test
  void pixelateAveragesBlocks() {
    double[] ramp = new double[16];
    for (int i = 0; i < 16; i++) {
      ramp[i] = i / 16.0;
    }
    // Blocks {0,1,4,5} → 2.5/16, {2,3,6,7} → 4.5/16, {8,9,12,13} → 10.5/16, {10,11,14,15} →
    // 12.5/16.
    double a = 2.5 / 16;
    double b = 4.5 / 16;
    double c = 10.5 / 16;
    double d = 12.5 / 16;
    assertThat(Corruptions.pixelate(new Matrix(1, 16, ramp), 1, 4, 4, 2).data())
        .containsExactly(a, a, b, b, a, a, b, b, c, c, d, d, c, c, d, d);
    // 3 wide by 2: the last column is a block of its own.
    Matrix odd = Matrix.of(new double[][] {{0, 0.5, 1, 0.25, 0.25, 0.5}});
    assertThat(Corruptions.pixelate(odd, 1, 2, 3, 2).data())
        .containsExactly(0.25, 0.25, 0.75, 0.25, 0.25, 0.75);
  }

  @Test
  void impulseNoiseSetsAboutAFractionToZeroOrOne() {
    Matrix grey = filled(100, 1000, 0.5);
    Matrix out = Corruptions.impulseNoise(grey, 0.05, 11);
    long zeros = Arrays.stream(out.data()).filter(v -> v == 0).count();
    long ones = Arrays.stream(out.data()).filter(v -> v == 1).count();
    long kept = Arrays.stream(out.data()).filter(v -> v == 0.5).count();
    assertThat(zeros + ones + kept).isEqualTo(100_000);
    // Binomial(1e5, 0.05): standard deviation ≈ 69; each half ≈ 49.
    assertThat(zeros + ones).isBetween(4_700L, 5_300L);
    assertThat(zeros).isBetween(2_300L, 2_700L);
    assertThat(ones).isBetween(2_300L, 2_700L);
    assertThat(Corruptions.impulseNoise(grey, 0.05, 11)).isEqualTo(out);
  }

  @Test
  void shotNoiseIsPoissonScaled() {
    // x = 0.5, λ = 100: Poisson(50)/100 has mean 0.5 and standard deviation √50/100 ≈ 0.0707.
    double[] out = Corruptions.shotNoise(filled(100, 1000, 0.5), 100, 5).data();
    double sum = 0;
    double squares = 0;
    for (double v : out) {
      assertThat(v * 100).isEqualTo(Math.rint(v * 100), within(1e-9));
      sum += v;
      squares += v * v;
    }
    double mean = sum / out.length;
    assertThat(mean).isCloseTo(0.5, within(0.002));
    assertThat(Math.sqrt(squares / out.length - mean * mean)).isCloseTo(0.0707, within(0.002));
    // Black stays black; λ above the Knuth chunk (30) still has the right mean.
    assertThat(Corruptions.shotNoise(filled(1, 10, 0), 500, 1).data()).containsOnly(0.0);
    double[] bright = Corruptions.shotNoise(filled(10, 1000, 0.5), 500, 6).data();
    assertThat(Arrays.stream(bright).average().orElseThrow()).isCloseTo(0.5, within(0.002));
  }

  @Test
  void jpegKeepsConstantBlocks() {
    // 128/255 shifts to 0: every coefficient is 0 and survives any quantisation.
    Matrix mid = filled(1, 64, 128 / 255.0);
    for (int severity = 1; severity <= 5; severity++) {
      assertThat(Corruption.JPEG.apply(mid, 1, 8, 8, severity, 0)).isEqualTo(mid);
    }
    // At quality 80 the DC step is 6, so a constant block moves by at most 3/8 of a level and
    // rounds back to itself: every 8-bit grey level is kept.
    for (int level = 0; level <= 255; level++) {
      Matrix block = filled(1, 64, level / 255.0);
      assertThat(Jpeg.compress(block, 1, 8, 8, 80)).isEqualTo(block);
    }
    // Partial blocks (10×10) are padded with the edge and still come back unchanged.
    Matrix partial = filled(2, 100, 200 / 255.0);
    assertThat(Jpeg.compress(partial, 1, 10, 10, 80)).isEqualTo(partial);
  }

  @Test
  void jpegAtLowQualityKeepsABlocksMean() {
    SplittableRandom random = new SplittableRandom(1);
    double[] texture = new double[64];
    for (int i = 0; i < 64; i++) {
      texture[i] = Math.round((0.2 + 0.6 * random.nextDouble()) * 255) / 255.0;
    }
    Matrix block = new Matrix(1, 64, texture);
    for (int quality : new int[] {40, 10}) {
      Matrix out = Jpeg.compress(block, 1, 8, 8, quality);
      assertThat(out).isNotEqualTo(block);
      // The DC coefficient is 8·mean; quantised by step q it moves the mean by ≤ q/16 levels
      // (q = 20 at quality 40, 80 at quality 10), then pixels round to 8 bits.
      double step = Jpeg.quantisationTable(quality)[0];
      assertThat(Arrays.stream(out.data()).average().orElseThrow())
          .isCloseTo(
              Arrays.stream(texture).average().orElseThrow(), within((step / 16 + 0.5) / 255));
    }
  }

  @Test
  void jpegDropsFineDetailAtLowQuality() {
    // A checkerboard 128 ± 9 levels: its DCT is 9·s_u·s_v with s_u = Σ_x
    // (−1)^x·C(u)/2·cos((2x+1)uπ/16)
    // = 0, 0.510, 0, 0.601, 0, 0.900, 0, 2.563 for u = 0..7. At quality 40 the largest ratio of
    // a coefficient to its step is at (7, 7): 9·2.563²/124 = 0.48 < ½, so every coefficient
    // quantises to 0 and the block becomes flat mid grey.
    double[] board = new double[64];
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        board[y * 8 + x] = (128 + ((x + y) % 2 == 0 ? 9 : -9)) / 255.0;
      }
    }
    Matrix checkerboard = new Matrix(1, 64, board);
    assertThat(Corruption.JPEG.apply(checkerboard, 1, 8, 8, 5, 0))
        .isEqualTo(filled(1, 64, 128 / 255.0));
    // At quality 80 the (7, 7) coefficient, 9·2.563² = 59.1 over a step of 40, survives.
    assertThat(Corruption.JPEG.apply(checkerboard, 1, 8, 8, 1, 0))
        .isNotEqualTo(filled(1, 64, 128 / 255.0));
  }

  @Test
  void jpegScalesTheStandardTableLikeLibjpeg() {
    assertThat(Jpeg.quantisationTable(50)[0]).isEqualTo(16);
    assertThat(Jpeg.quantisationTable(50)[63]).isEqualTo(99);
    // Quality 80: 40% of the table, (16·40 + 50)/100 = 6; quality 40: 125%, (16·125 + 50)/100 = 20.
    assertThat(Jpeg.quantisationTable(80)[0]).isEqualTo(6);
    assertThat(Jpeg.quantisationTable(40)[0]).isEqualTo(20);
    assertThat(Jpeg.quantisationTable(100)).containsOnly(1);
    assertThat(Jpeg.quantisationTable(1)).containsOnly(255);
    assertThatThrownBy(() -> Jpeg.quantisationTable(0)).hasMessage("quality must be 1..100, got 0");
  }

  @Test
  void everyCorruptionTakesSeverities1To5Only() {
    Matrix images = filled(2, 3 * 4 * 4, 0.5);
    for (Corruption corruption : Corruption.values()) {
      for (int severity = 1; severity <= 5; severity++) {
        Matrix out = corruption.apply(images, 3, 4, 4, severity, 9);
        assertThat(out.rows()).isEqualTo(2);
        assertThat(Arrays.stream(out.data()).boxed().toList())
            .allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
        // Seeded: the same seed gives the same images.
        assertThat(corruption.apply(images, 3, 4, 4, severity, 9)).isEqualTo(out);
      }
      for (int severity : new int[] {0, 6}) {
        assertThatThrownBy(() -> corruption.apply(images, 3, 4, 4, severity, 9))
            .hasMessage("severity must be 1..5, got " + severity);
      }
      assertThatThrownBy(() -> corruption.apply(images, 3, 4, 5, 1, 9))
          .hasMessage("images of shape 3×4×5 have 60 values, rows have 48");
    }
    assertThat(images.data()).containsOnly(0.5);
  }

  @Test
  void severitiesFollowTheTable() {
    // CIFAR-10-C's values, hendrycks/robustness ImageNet-C/create_c/make_cifar_c.py (see
    // docs/robustness.md); pixelate is ours (integer blocks, not their resize factors).
    Map<Corruption, double[]> cifar10C =
        Map.of(
            Corruption.GAUSSIAN_NOISE, new double[] {0.04, 0.06, 0.08, 0.09, 0.10},
            Corruption.SHOT_NOISE, new double[] {500, 250, 100, 75, 50},
            Corruption.IMPULSE_NOISE, new double[] {0.01, 0.02, 0.03, 0.05, 0.07},
            Corruption.GAUSSIAN_BLUR, new double[] {0.4, 0.6, 0.7, 0.8, 1},
            Corruption.CONTRAST, new double[] {0.75, 0.5, 0.4, 0.3, 0.15},
            Corruption.BRIGHTNESS, new double[] {0.05, 0.1, 0.15, 0.2, 0.3},
            Corruption.PIXELATE, new double[] {2, 3, 4, 5, 6},
            Corruption.JPEG, new double[] {80, 65, 58, 50, 40});
    assertThat(cifar10C).containsOnlyKeys(Corruption.values());
    cifar10C.forEach(
        (corruption, values) -> {
          for (int severity = 1; severity <= 5; severity++) {
            assertThat(corruption.parameter(severity))
                .as("%s %d", corruption, severity)
                .isEqualTo(values[severity - 1]);
          }
        });
    // Brightness at severity 5 on mid grey is exactly the table's shift.
    Matrix grey = filled(1, 4, 0.5);
    assertThat(Corruption.BRIGHTNESS.apply(grey, 1, 2, 2, 5, 0).data()).containsOnly(0.8);
  }
}
