package io.learnware.spec.rkme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class ImageFeatureMapTest {

  @Test
  void signsFollowTheDocumentedBitStream() {
    // The definition in the class comment, re-derived: feature k of a one-hot image at pixel p is
    // ±1/√D with the sign from bit p mod 64 of the (k·⌈D/64⌉ + p div 64)-th nextLong().
    int d = 28 * 28;
    int words = (d + 63) / 64;
    java.util.SplittableRandom random = new java.util.SplittableRandom(ImageFeatureMap.SEED);
    long[] bits = new long[64 * words];
    for (int i = 0; i < bits.length; i++) {
      bits[i] = random.nextLong();
    }
    ImageFeatureMap map = new ImageFeatureMap(1, 28, 28);
    double[] features = new double[64];
    for (int p : new int[] {0, 63, 64, 500, 783}) {
      double[] image = new double[d];
      image[p] = 1;
      map.apply(image, 0, features, 0);
      for (int k = 0; k < 64; k++) {
        long word = bits[k * words + p / 64];
        double expected = ((word >>> (p % 64)) & 1) == 1 ? 1 / 28.0 : -1 / 28.0;
        assertThat(features[k]).isCloseTo(expected, offset(1e-15));
      }
    }
  }

  @Test
  void keepsDistancesUpToTheDocumentedScale() {
    Matrix images =
        RealData.fashionTest().rows(java.util.stream.IntStream.range(0, 200).toArray()).x();
    Matrix features = new ImageFeatureMap(1, 28, 28).apply(images);
    double scale = 64.0 / 784;
    double worst = 0;
    for (int i = 0; i < 100; i++) {
      int j = 199 - i;
      double pixels = KMeans.squaredDistance(images.data(), i * 784, images.data(), j * 784, 784);
      double mapped = KMeans.squaredDistance(features.data(), i * 64, features.data(), j * 64, 64);
      worst = Math.max(worst, Math.abs(mapped / (scale * pixels) - 1));
    }
    // 64 random signs: the squared distance ratio has a standard deviation of about √(2/64).
    assertThat(worst).isLessThan(0.8);
  }

  @Test
  void rejectsImagesOfAnotherShape() {
    assertThatThrownBy(() -> new ImageFeatureMap(1, 28, 28).apply(Matrix.zeros(2, 64)))
        .hasMessageContaining("64 pixels");
    assertThatThrownBy(() -> new ImageFeatureMap(0, 28, 28)).hasMessageContaining("positive");
  }
}
