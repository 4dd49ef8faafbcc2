package io.learnware.market.search;

import io.learnware.market.search.ExactScorer.Scored;
import io.learnware.market.search.FeatureIndex.SpaceFeatures;
import io.learnware.market.search.StatisticalIndex.Candidate;
import io.learnware.market.search.TaylorFeatures.Features;
import io.learnware.spec.rkme.Rkme;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The best {@code need} candidates with a proof: every candidate gets a lower bound on its MMD²
 * from {@link TaylorFeatures} (a few thousand multiply-adds), candidates are compared in the order
 * of their bounds, and comparing stops once the next bound exceeds the {@code need}-th best upper
 * value found. Every candidate left out is then certainly worse than {@code need} compared ones, so
 * the result is that of comparing them all.
 */
final class CertifiedRanking {

  /**
   * Absolute slack taken off every bound: the rest norms come from differences of squared norms
   * computed in double, off by far less than this.
   */
  static final double MARGIN = 1e-6;

  private static final int FIRST_BATCH = 32;
  private static final int LARGEST_BATCH = 512;

  private CertifiedRanking() {}

  /**
   * What {@link #rank} compared, how many candidates it bounded, and for how many of them it needed
   * the full bound.
   */
  record Ranked(List<Scored> scored, int bounded, int fullyBounded) {}

  /**
   * @param compare compares a batch of candidates fast ({@link ExactScorer#approximate})
   */
  static Ranked rank(
      Rkme query,
      List<Candidate> candidates,
      SpaceFeatures features,
      int need,
      Function<List<Candidate>, List<Scored>> compare) {
    int n = candidates.size();
    Bounds bounds = new Bounds(query, features);
    // Each candidate's features looked up once; the cheap bound (degrees 0 and 1) for all, in
    // order; the full one only for those it leaves.
    Features[] known = new Features[n];
    long[] order = new long[n];
    double[] coarse = new double[n];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              known[i] = features.byVersion.get(candidates.get(i).versionId());
              coarse[i] = bounds.coarse(known[i]);
            });
    for (int i = 0; i < n; i++) {
      order[i] = (long) Float.floatToIntBits((float) Math.max(0, coarse[i])) << 32 | i;
    }
    Arrays.sort(order);
    List<Scored> scored = new ArrayList<>();
    double threshold = Double.POSITIVE_INFINITY;
    int batch = Math.max(FIRST_BATCH, need);
    int at = 0;
    int fullyBounded = 0;
    while (at < n) {
      if (scored.size() >= need && coarse[(int) order[at]] > threshold) {
        break;
      }
      // The next candidates whose full bound does not already exclude them.
      List<Candidate> next = new ArrayList<>(batch);
      while (at < n && next.size() < batch) {
        int i = (int) order[at];
        if (scored.size() >= need && coarse[i] > threshold) {
          break;
        }
        at++;
        boolean open = scored.size() < need;
        if (!open) {
          fullyBounded++;
          open = bounds.full(known[i]) <= threshold;
        }
        if (open) {
          next.add(candidates.get(i));
        }
      }
      scored.addAll(compare.apply(next));
      batch = Math.min(2 * batch, LARGEST_BATCH);
      threshold = ExactScorer.needthUpper(scored, need);
    }
    return new Ranked(scored, n, fullyBounded);
  }

  /**
   * Lower bounds on a candidate's MMD² to the query, never above it: {@code ‖f_q − f_i‖² +
   * (‖rest_q‖ − ‖rest_i‖)²} over all written-out features ({@link #full}) or over degrees 0 and 1
   * with everything above as one rest ({@link #coarse}, 30 times cheaper at d = 64); each less the
   * float scan's relative error, the features' rounding and {@link #MARGIN}. Candidates without
   * features get 0, so they are compared.
   */
  static final class Bounds {
    private final Features q;
    private final int linear;
    private final double coarseShrink;
    private final double fullShrink;

    Bounds(Rkme query, SpaceFeatures features) {
      this.q = features.taylor.of(query, query.squaredNorm());
      this.linear = features.taylor.linearSize();
      // A sum of n squares of float differences is within (n + 2)·u of the exact sum, relatively.
      this.coarseShrink = 1 - 2.0 * (linear + 2) * 0x1p-24;
      this.fullShrink = 1 - 2.0 * (features.taylor.size() + 2) * 0x1p-24;
    }

    double coarse(Features f) {
      if (f == null) {
        return 0;
      }
      double squared = ExactScorer.squaredDistance(q.values(), f.values(), 0, linear);
      return bound(squared * coarseShrink, f, q.beyondLinear() - f.beyondLinear());
    }

    double full(Features f) {
      if (f == null) {
        return 0;
      }
      double squared = ExactScorer.squaredDistance(q.values(), f.values(), 0, q.values().length);
      return bound(squared * fullShrink, f, q.rest() - f.rest());
    }

    private double bound(double squared, Features f, double restDifference) {
      double written = Math.max(0, Math.sqrt(squared) - q.rounding() - f.rounding());
      return written * written + restDifference * restDifference - MARGIN;
    }
  }
}
