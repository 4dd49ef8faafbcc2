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

  /** What {@link #rank} compared, and how many candidates it bounded. */
  record Ranked(List<Scored> scored, int bounded) {}

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
    double[] lower = lowerBounds(query, candidates, features);
    // Ordered by bound: the bound (never negative) as float bits above the index.
    long[] order = new long[n];
    for (int i = 0; i < n; i++) {
      order[i] = (long) Float.floatToIntBits((float) Math.max(0, lower[i])) << 32 | i;
    }
    Arrays.sort(order);
    List<Scored> scored = new ArrayList<>();
    double threshold = Double.POSITIVE_INFINITY;
    int batch = Math.max(FIRST_BATCH, need);
    int at = 0;
    while (at < n) {
      if (scored.size() >= need && lower[(int) order[at]] > threshold) {
        break;
      }
      int end = Math.min(n, at + batch);
      List<Candidate> next = new ArrayList<>(end - at);
      for (int k = at; k < end; k++) {
        next.add(candidates.get((int) order[k]));
      }
      scored.addAll(compare.apply(next));
      at = end;
      batch = Math.min(2 * batch, LARGEST_BATCH);
      threshold = needthUpper(scored, need);
    }
    return new Ranked(scored, n);
  }

  private static double needthUpper(List<Scored> scored, int need) {
    if (scored.size() < need || need == 0) {
      return Double.POSITIVE_INFINITY;
    }
    double[] uppers = scored.stream().mapToDouble(Scored::upper).toArray();
    Arrays.sort(uppers);
    return uppers[need - 1];
  }

  /**
   * {@code ‖f_q − f_i‖² + (‖rest_q‖ − ‖rest_i‖)²} per candidate, less the float scan's relative
   * error, the features' rounding and {@link #MARGIN}: never above the exact MMD². Candidates
   * without features get 0, so they are compared.
   */
  static double[] lowerBounds(Rkme query, List<Candidate> candidates, SpaceFeatures features) {
    Features q = features.taylor.of(query, query.squaredNorm());
    // A sum of n squares of float differences is within (n + 2)·u of the exact sum, relatively.
    double shrink = 1 - 2.0 * (features.taylor.size() + 2) * 0x1p-24;
    double[] lower = new double[candidates.size()];
    IntStream.range(0, candidates.size())
        .parallel()
        .forEach(
            i -> {
              Features f = features.byVersion.get(candidates.get(i).versionId());
              if (f == null) {
                return;
              }
              double squared = ExactScorer.squaredDistance(q.values(), f.values());
              double written =
                  Math.max(0, Math.sqrt(squared * shrink) - q.rounding() - f.rounding());
              double rest = q.rest() - f.rest();
              lower[i] = written * written + rest * rest - MARGIN;
            });
    return lower;
  }
}
