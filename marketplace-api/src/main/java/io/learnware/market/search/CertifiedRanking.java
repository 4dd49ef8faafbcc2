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

  /** Full bounds computed at a time, in parallel, ahead of the candidates being picked. */
  private static final int WINDOW = 256;

  private CertifiedRanking() {}

  /**
   * What {@link #rank} compared, how many candidates it bounded, and for how many of them it read
   * the cubic block.
   */
  record Ranked(List<Scored> scored, int bounded, int cubicBounded) {}

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
    double[] coarse = new double[n];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              known[i] = features.byVersion.get(candidates.get(i).versionId());
              coarse[i] = bounds.coarse(known[i]);
            });
    long[] order = new long[n];
    for (int i = 0; i < n; i++) {
      order[i] = (long) Float.floatToIntBits((float) Math.max(0, coarse[i])) << 32 | i;
    }
    Arrays.sort(order);
    double[] full = new double[n];
    int fullUpTo = 0;
    int cubicBounded = 0;
    List<Scored> scored = new ArrayList<>();
    double threshold = Double.POSITIVE_INFINITY;
    int batch = Math.max(FIRST_BATCH, need);
    int at = 0;
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
        if (scored.size() >= need && at >= fullUpTo) {
          int from = at;
          fullUpTo = Math.min(n, at + WINDOW);
          cubicBounded += fullBounds(bounds, known, order, from, fullUpTo, threshold, full);
        }
        at++;
        if (scored.size() < need || full[i] <= threshold) {
          next.add(candidates.get(i));
        }
      }
      scored.addAll(compare.apply(next));
      batch = Math.min(2 * batch, LARGEST_BATCH);
      threshold = ExactScorer.needthUpper(scored, need);
    }
    return new Ranked(scored, n, cubicBounded);
  }

  /**
   * The full bounds of the candidates {@code [from, to)} in {@code order}, in parallel on both
   * cores: the bound of degree ≤ 2, and where it does not exceed {@code threshold} and the space
   * has a cubic block, the tighter of it and the bound of degree ≤ 3. Each stays a valid bound as
   * the threshold falls: one left at degree 2 exceeds every later, lower threshold too.
   *
   * @return how many cubic blocks were read
   */
  private static int fullBounds(
      Bounds bounds,
      Features[] known,
      long[] order,
      int from,
      int to,
      double threshold,
      double[] full) {
    return (int)
        IntStream.range(from, to)
            .parallel()
            .filter(
                at -> {
                  int i = (int) order[at];
                  full[i] = bounds.quadratic(known[i]);
                  if (!bounds.cubic() || full[i] > threshold) {
                    return false;
                  }
                  full[i] = Math.max(full[i], bounds.cubic(known[i]));
                  return true;
                })
            .count();
  }

  /**
   * Lower bounds on a candidate's MMD² to the query, never above it: {@code ‖f_q − f_i‖² +
   * (‖rest_q‖ − ‖rest_i‖)²} over the written-out features of degree ≤ 1 with everything above as
   * one rest ({@link #coarse}, 30 times cheaper at d = 64), of degree ≤ 2 ({@link #quadratic}), and
   * of degree ≤ 3 where the space writes the cubic block out ({@link #cubic}); each less the float
   * scan's relative error, the features' rounding and {@link #MARGIN}. Candidates without features
   * get 0, so they are compared.
   */
  static final class Bounds {
    private final Features q;
    private final int linearSize;
    private final int quadraticSize;
    private final int size;
    private final double coarseShrink;
    private final double quadraticShrink;
    private final double fullShrink;

    Bounds(Rkme query, SpaceFeatures features) {
      this.q = features.taylor.of(query, query.squaredNorm());
      this.linearSize = features.taylor.linearSize();
      this.quadraticSize = features.taylor.quadraticSize();
      this.size = features.taylor.size();
      // A sum of n squares of float differences is within (n + 2)·u of the exact sum, relatively.
      this.coarseShrink = 1 - 2.0 * (linearSize + 2) * 0x1p-24;
      this.quadraticShrink = 1 - 2.0 * (quadraticSize + 2) * 0x1p-24;
      this.fullShrink = 1 - 2.0 * (size + 2) * 0x1p-24;
    }

    /** Whether the space writes the cubic block out. */
    boolean cubic() {
      return size > quadraticSize;
    }

    double coarse(Features f) {
      if (f == null) {
        return 0;
      }
      double squared = ExactScorer.squaredDistance(q.values(), f.values(), 0, linearSize);
      return bound(squared * coarseShrink, f, q.beyondLinear() - f.beyondLinear());
    }

    double quadratic(Features f) {
      if (f == null) {
        return 0;
      }
      double squared = ExactScorer.squaredDistance(q.values(), f.values(), 0, quadraticSize);
      return bound(squared * quadraticShrink, f, q.beyondQuadratic() - f.beyondQuadratic());
    }

    /**
     * The bound over every written-out feature: {@link #quadratic}'s where there is no cubic block.
     */
    double cubic(Features f) {
      if (f == null) {
        return 0;
      }
      double squared = ExactScorer.squaredDistance(q.values(), f.values(), 0, size);
      return bound(squared * fullShrink, f, q.rest() - f.rest());
    }

    private double bound(double squared, Features f, double restDifference) {
      double written = Math.max(0, Math.sqrt(squared) - q.rounding() - f.rounding());
      return written * written + restDifference * restDifference - MARGIN;
    }
  }
}
