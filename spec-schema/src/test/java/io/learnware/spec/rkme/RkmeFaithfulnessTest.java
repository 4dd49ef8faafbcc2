package io.learnware.spec.rkme;

import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.spec.rkme.RealData.Labelled;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The MMD between two RKMEs must track the exact MMD between the full data sets they summarise.
 *
 * <p>By the triangle inequality {@code |MMD(μ̂_a, μ̂_b) − MMD(μ_a, μ_b)| ≤ ‖μ_a − μ̂_a‖ + ‖μ_b −
 * μ̂_b‖}, so each case checks both the construction error of each embedding and the end result.
 * Tolerance: the RKME MMD is within 0.02 + 10% of the exact MMD (MMD here lies in [0, √2]).
 */
class RkmeFaithfulnessTest {

  private static final double GAMMA = 0.1;

  static Stream<Arguments> pairs() {
    Labelled digits = RealData.digits();
    Labelled[] halves = digits.split(0.5, 7);
    Labelled fashion =
        RealData.fashionFeatures().rows(java.util.stream.IntStream.range(0, 3000).toArray());
    return Stream.of(
        Arguments.of("digits: random half vs other half", halves[0].x(), halves[1].x()),
        Arguments.of(
            "digits: 0-4 vs 5-9", digits.where(l -> l < 5).x(), digits.where(l -> l >= 5).x()),
        Arguments.of(
            "digits: 3 vs 8", digits.where(l -> l == 3).x(), digits.where(l -> l == 8).x()),
        Arguments.of("digits: all vs 0-4", digits.x(), digits.where(l -> l < 5).x()),
        Arguments.of(
            "fashion: clothing vs footwear",
            fashion.where(l -> l == 0 || l == 2 || l == 3 || l == 4 || l == 6).x(),
            fashion.where(l -> l == 5 || l == 7 || l == 9).x()),
        Arguments.of(
            "fashion: shirts vs T-shirts",
            fashion.where(l -> l == 6).x(),
            fashion.where(l -> l == 0).x()),
        Arguments.of("gaussians: shift 0", gaussian(1500, 8, 0, 1), gaussian(1500, 8, 0, 2)),
        Arguments.of("gaussians: shift 0.5", gaussian(1500, 8, 0, 3), gaussian(1500, 8, 0.5, 4)),
        Arguments.of("gaussians: shift 2", gaussian(1500, 8, 0, 5), gaussian(1500, 8, 2, 6)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairs")
  void rkmeMmdTracksExactMmd(String name, Matrix a, Matrix b) {
    Rkme rkmeA = Rkme.builder().setData(a).optSeed(1).build();
    Rkme rkmeB = Rkme.builder().setData(b).optSeed(2).build();
    double exact = Math.sqrt(Math.max(0, RealData.exactMmdSquared(a, b, GAMMA)));
    double approximate = Math.sqrt(rkmeA.mmdSquared(rkmeB));
    double errorA = Math.sqrt(Math.max(0, RealData.constructionErrorSquared(a, rkmeA)));
    double errorB = Math.sqrt(Math.max(0, RealData.constructionErrorSquared(b, rkmeB)));
    System.out.printf(
        "%-36s n=%d/%d exact=%.4f rkme=%.4f err=%.4f/%.4f%n",
        name, a.rows(), b.rows(), exact, approximate, errorA, errorB);
    assertThat(approximate)
        .isCloseTo(exact, org.assertj.core.data.Offset.offset(0.02 + 0.1 * exact));
  }

  static Matrix gaussian(int n, int d, double shift, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] x = new double[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = StrictGaussian.next(random) + (i % d == 0 ? shift : 0);
    }
    return new Matrix(n, d, x);
  }
}
