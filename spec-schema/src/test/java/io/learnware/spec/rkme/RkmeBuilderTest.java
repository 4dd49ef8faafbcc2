package io.learnware.spec.rkme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.learnware.spec.RkmeSpec;
import io.learnware.spec.SpecLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RkmeBuilderTest {

  private static final Matrix DIGITS = RealData.digits().x();

  @Test
  void buildsKWeightedPointsOnTheSimplex() {
    Rkme rkme = Rkme.builder().setData(DIGITS).build();

    assertThat(rkme.size()).isEqualTo(100);
    assertThat(rkme.dimension()).isEqualTo(64);
    assertThat(rkme.numPoints()).isEqualTo(1797);
    assertThat(rkme.gamma()).isEqualTo(0.1);
    assertThat(Arrays.stream(rkme.weights()).min().orElseThrow()).isGreaterThanOrEqualTo(0);
    assertThat(Arrays.stream(rkme.weights()).sum()).isCloseTo(1, offset(1e-9));
    assertThat(Arrays.stream(rkme.points().data()).allMatch(Double::isFinite)).isTrue();
  }

  @Test
  void sameSeedSameEmbeddingOtherSeedAnother() {
    Rkme first = Rkme.builder().setData(DIGITS).optSeed(42).build();
    Rkme again = Rkme.builder().setData(DIGITS).optSeed(42).build();
    Rkme other = Rkme.builder().setData(DIGITS).optSeed(43).build();

    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
    // Different seeds still summarise the same data: their MMD is far below that of other data.
    assertThat(Math.sqrt(first.mmdSquared(other))).isLessThan(0.05);
  }

  @Test
  void gradientStepsReduceTheConstructionError() {
    double kmeansOnly =
        RealData.constructionErrorSquared(
            DIGITS, Rkme.builder().setData(DIGITS).optSteps(0).build());
    double threeSteps =
        RealData.constructionErrorSquared(
            DIGITS, Rkme.builder().setData(DIGITS).optSteps(3).build());

    assertThat(Math.sqrt(threeSteps)).isLessThan(0.6 * Math.sqrt(kmeansOnly));
  }

  @Test
  void reducedPointsFollowTheSizeRules() {
    assertThat(RkmeBuilder.reducedPoints(100, 10_000, 64)).isEqualTo(100);
    // K ≥ n: two thirds of the rows, at least one.
    assertThat(RkmeBuilder.reducedPoints(100, 90, 64)).isEqualTo(60);
    assertThat(RkmeBuilder.reducedPoints(100, 1, 64)).isEqualTo(1);
    // K·d stays within the specification's limit.
    assertThat(RkmeBuilder.reducedPoints(1000, 100_000, 10_000))
        .isEqualTo((int) (SpecLimits.MAX_RKME_VALUES / 10_000));
    assertThat(RkmeBuilder.reducedPoints(5000, 100_000, 2)).isEqualTo(SpecLimits.MAX_RKME_POINTS);

    Rkme tiny = Rkme.builder().setData(Matrix.of(new double[][] {{1, 2}, {3, 4}, {5, 6}})).build();
    assertThat(tiny.size()).isEqualTo(2);
  }

  @Test
  void nonFiniteValuesBecomeColumnMeans() {
    double[][] rows = {{1, 10}, {3, Double.NaN}, {Double.POSITIVE_INFINITY, 30}, {5, 20}};
    double[][] imputed = {{1, 10}, {3, 20}, {3, 30}, {5, 20}};

    Rkme fromDirty = Rkme.builder().setData(Matrix.of(rows)).optPoints(2).build();
    Rkme fromImputed = Rkme.builder().setData(Matrix.of(imputed)).optPoints(2).build();

    assertThat(fromDirty).isEqualTo(fromImputed);
    assertThat(rows[1][1]).isNaN(); // the caller's data is left alone
  }

  @Test
  void reportsProgressInOrder() {
    List<String> stages = new ArrayList<>();
    List<Double> fractions = new ArrayList<>();
    Rkme.builder()
        .setData(DIGITS)
        .optListener(
            (stage, fraction) -> {
              stages.add(stage);
              fractions.add(fraction);
            })
        .build();

    assertThat(stages)
        .containsExactly("k-means", "weights", "step 1/3", "step 2/3", "step 3/3", "done");
    assertThat(fractions).isSorted().startsWith(0.0).endsWith(1.0);
  }

  @Test
  void roundTripsThroughTheSpecification() {
    Rkme rkme = Rkme.builder().setData(DIGITS).optPoints(10).optGamma(0.05).build();

    RkmeSpec spec = rkme.toSpec();

    assertThat(spec.type()).isEqualTo("rkme-table");
    assertThat(spec.dimension()).isEqualTo(64);
    assertThat(spec.numPoints()).isEqualTo(1797);
    assertThat(spec.z()).hasNumberOfRows(10);
    assertThat(Rkme.fromSpec(spec)).isEqualTo(rkme);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> Rkme.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("setData");
    assertThatThrownBy(() -> Rkme.builder().optPoints(0)).hasMessageContaining("points");
    assertThatThrownBy(() -> Rkme.builder().optGamma(-1)).hasMessageContaining("gamma");
    assertThatThrownBy(() -> Rkme.builder().optSteps(-1)).hasMessageContaining("steps");
    assertThatThrownBy(() -> Rkme.builder().setData(Matrix.zeros(0, 3)).build())
        .hasMessageContaining("empty");
  }

  @Test
  void mmdOfDifferentSpacesIsAnError() {
    Rkme a = Rkme.builder().setData(DIGITS).optPoints(5).build();
    Rkme b = Rkme.builder().setData(Matrix.of(new double[][] {{1, 2}, {3, 4}})).build();
    Rkme c = Rkme.builder().setData(DIGITS).optPoints(5).optGamma(0.2).build();

    assertThat(a.comparableWith(b)).isFalse();
    assertThat(a.comparableWith(c)).isFalse();
    assertThatThrownBy(() -> a.mmdSquared(b)).hasMessageContaining("different spaces");
    assertThatThrownBy(() -> a.mmdSquared(c)).hasMessageContaining("different spaces");
  }
}
