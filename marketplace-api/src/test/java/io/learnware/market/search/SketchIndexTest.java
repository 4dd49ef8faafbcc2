package io.learnware.market.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.learnware.VersionState;
import io.learnware.market.search.StatisticalIndex.Candidate;
import io.learnware.market.search.StatisticalIndex.SpaceIndex;
import io.learnware.market.search.StatisticalIndex.StateFilter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sketches as the index holds them: bytes and a scale, within their rounding of the floats. */
class SketchIndexTest {

  private static final int D = RandomFeatureSketch.DIMENSION;
  private static final byte USABLE = (byte) VersionState.USABLE.ordinal();

  @Test
  void estimatesAreTheSketchDistancesWithinTheRoundingAcrossGrowthAndRemoval() {
    SplittableRandom random = new SplittableRandom(9);
    SpaceIndex index = new SpaceIndex();
    Map<Long, float[]> sketches = new HashMap<>();
    // 30,000 slots: the scan runs in parallel parts and whole and partial blocks; the index grows.
    for (long id = 1; id <= 30_000; id++) {
      float[] sketch = new float[D];
      double spread = random.nextDouble(0.01, 3);
      for (int f = 0; f < D; f++) {
        sketch[f] = (float) (spread * random.nextGaussian());
      }
      if (id == 7) {
        sketch = new float[D]; // all zero: a scale of 0
      }
      sketches.put(id, sketch);
      index.put(id, 1000 + id, USABLE, VersionRkme.encode(sketch), ownedBy("owner-" + id));
    }
    for (long id = 2; id <= 30_000; id += 3) {
      index.remove(id);
      sketches.remove(id);
    }
    float[] query = new float[D];
    for (int f = 0; f < D; f++) {
      query[f] = (float) random.nextGaussian();
    }
    double queryNorm = 0;
    for (float q : query) {
      queryNorm += q * q;
    }

    List<Candidate> all = index.nearest(query, id -> true, StateFilter.USABLE, 30_000);

    assertThat(all).hasSize(sketches.size());
    double worstRatio = 0;
    for (Candidate c : all) {
      float[] s = sketches.get(c.learnwareId());
      assertThat(c.versionId()).isEqualTo(1000 + c.learnwareId());
      double exact = 0;
      double largest = 0;
      double norm = 0;
      for (int f = 0; f < D; f++) {
        exact += (query[f] - s[f]) * (double) (query[f] - s[f]);
        largest = Math.max(largest, Math.abs(s[f]));
        norm += s[f] * (double) s[f];
      }
      // Each feature is off by at most half a step, largest / 254: ‖s − ŝ‖ ≤ √D · largest / 254.
      double rounding = Math.sqrt(D) * largest / 254;
      double bound =
          2 * (Math.sqrt(queryNorm) + Math.sqrt(norm)) * rounding
              + rounding * rounding
              + 1e-4 * (queryNorm + norm);
      double off = Math.abs(c.estimatedMmdSquared() - exact);
      assertThat(off).as("learnware %d", c.learnwareId()).isLessThanOrEqualTo(bound);
      worstRatio = Math.max(worstRatio, off / (queryNorm + norm));
    }
    // In practice the rounding moves an estimate by well under 1% of the squared norms.
    assertThat(worstRatio).isLessThan(0.01);
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.get(i).estimatedMmdSquared())
          .isGreaterThanOrEqualTo(all.get(i - 1).estimatedMmdSquared());
    }
    assertThat(index.count(id -> id % 2 == 0, StateFilter.USABLE))
        .isEqualTo((int) sketches.keySet().stream().filter(id -> id % 2 == 0).count());
    // Each slot's facets moved with it.
    LearnwareIds sevenths =
        index.matching(
            new Facets.Filter(
                f -> Long.parseLong(f.owner().substring("owner-".length())) % 7 == 0, null, null));
    assertThat(sevenths.size())
        .isEqualTo((int) sketches.keySet().stream().filter(id -> id % 7 == 0).count());
    assertThat(sketches.keySet()).allMatch(id -> sevenths.test(id) == (id % 7 == 0));
  }

  /** Facets of a table classifier: an owner and lexemes are all the index tests read here. */
  static Facets ownedBy(String owner, String... lexemes) {
    return new Facets(
        owner,
        "table",
        "classification",
        "MIT",
        new String[0],
        null,
        null,
        null,
        null,
        null,
        lexemes);
  }
}
