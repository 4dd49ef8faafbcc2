package io.learnware.market.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Points offered by the features' warming fill the cache up to its budget, never past it. */
class PointsCacheTest {

  private static final long ENTRY = PackedPoints.of(point(0), ExactScorer.padding()).bytes();

  @Test
  void offeredPointsAreServedFromMemoryUntilTheBudgetIsFull() {
    PointsCache cache = new PointsCache(3 * ENTRY);
    for (long id = 1; id <= 5; id++) {
      cache.offer(id, point(id));
    }
    assertThat(cache.bytes()).isEqualTo(3 * ENTRY);
    // All three found in memory: a miss would read the database, which this test has none of.
    Map<Long, PackedPoints> found = cache.get(List.of(1L, 2L, 3L));
    assertThat(found).containsOnlyKeys(1L, 2L, 3L);
    for (long id = 1; id <= 3; id++) {
      assertThat(found.get(id).rkme().points().data()).containsExactly(id / 4.0, 0.5);
      assertThat(found.get(id).rkme().squaredNorm()).isEqualTo(point(id).squaredNorm());
    }
  }

  @Test
  void anOfferNeverReplacesWhatIsHeld() {
    PointsCache cache = new PointsCache(10 * ENTRY);
    cache.offer(7, point(1));
    cache.offer(7, point(2));
    assertThat(cache.bytes()).isEqualTo(ENTRY);
    assertThat(cache.get(List.of(7L)).get(7L).rkme().points().data()).containsExactly(0.25, 0.5);
  }

  @ParameterizedTest
  @CsvSource({"1, 2", "7, 3", "100, 64", "113, 64", "128, 16"})
  void theSizeCheckedBeforePackingIsTheSizePacked(int points, int dimension) {
    double[] z = new double[points * dimension];
    double[] weights = new double[points];
    Arrays.fill(weights, 1.0 / points);
    Rkme rkme = Rkme.stored(1.0, 0, new Matrix(points, dimension, z), weights, 0);
    int padding = ExactScorer.padding();
    assertThat(PackedPoints.bytes(points, dimension, PackedPoints.stride(points, padding)))
        .isEqualTo(PackedPoints.of(rkme, padding).bytes());
  }

  /** One point at {@code (i / 4, 1 / 2)}: both coordinates exact in float. */
  private static Rkme point(long i) {
    return ExactScorer.withSquaredNorm(SeededLearnwares.point(2.0, i / 4.0, 0.5));
  }
}
