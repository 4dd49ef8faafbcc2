package io.learnware.market.search;

import io.learnware.market.search.ExactScorer.Scored;
import io.learnware.market.search.FeatureIndex.SpaceFeatures;
import io.learnware.market.search.StatisticalIndex.Candidate;
import io.learnware.market.search.TaylorFeatures.Features;
import io.learnware.spec.rkme.Rkme;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The best {@code need} candidates with a proof: every candidate gets a lower bound on its MMD²
 * from {@link TaylorFeatures} (a few thousand multiply-adds), candidates are compared in the order
 * of their bounds, and comparing stops once the next bound exceeds the {@code need}-th best upper
 * value found. Every candidate left out is then certainly worse than {@code need} compared ones, so
 * the result is that of comparing them all. Candidates whose Taylor bound leaves them open are
 * bounded again with the query's landmarks ({@link LandmarkBound}, about half a comparison's time)
 * before they are compared.
 */
final class CertifiedRanking {

  /**
   * Absolute slack taken off every bound: the rest norms come from differences of squared norms
   * computed in double, off by far less than this.
   */
  static final double MARGIN = 1e-6;

  private static final int FIRST_BATCH = 32;
  private static final int LARGEST_BATCH = 512;

  /**
   * Full bounds are computed ahead of need, for 32 candidates at first and then twice as many each
   * time up to 1,024: four at a time they read memory 1.8 times faster ({@link
   * VectorKernel#squaredDistances}), and many at a time they are shared among the cores. Those
   * computed and never needed are at most one window's.
   */
  private static final int FIRST_AHEAD = 32;

  private static final int MOST_AHEAD = 1024;

  /** Full bounds computed by one task when a window is shared among the cores. */
  private static final int AHEAD_TASK = 128;

  /**
   * A batch with fewer candidates left than this is compared without first choosing the query's
   * landmarks ({@link LandmarkBound}), which costs about as much as 15–25 comparisons.
   */
  private static final int LANDMARKS_FROM = 16;

  private CertifiedRanking() {}

  /**
   * What {@link #rank} compared, how many candidates it bounded, for how many of them it needed the
   * full bound, and how many of those the landmark bound ({@link LandmarkBound}) looked at.
   */
  record Ranked(List<Scored> scored, int bounded, int fullyBounded, int landmarkBounded) {}

  /**
   * @param points reads candidates' points by version id ({@link PointsCache#get})
   */
  static Ranked rank(
      Rkme query,
      List<Candidate> candidates,
      SpaceFeatures features,
      int need,
      Function<List<Long>, Map<Long, PackedPoints>> points) {
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
    double[] written = new double[n];
    Arrays.fill(written, Double.NaN);
    LandmarkBound landmarks = null;
    boolean landmarksChosen = false;
    List<Scored> scored = new ArrayList<>();
    double threshold = Double.POSITIVE_INFINITY;
    int batch = Math.max(FIRST_BATCH, need);
    int at = 0;
    int fullyBounded = 0;
    int ahead = FIRST_AHEAD;
    int landmarkBounded = 0;
    while (at < n) {
      if (scored.size() >= need && coarse[(int) order[at]] > threshold) {
        break;
      }
      // The next candidates whose full bound does not already exclude them.
      List<Integer> next = new ArrayList<>(batch);
      while (at < n && next.size() < batch) {
        int i = (int) order[at];
        if (scored.size() >= need && coarse[i] > threshold) {
          break;
        }
        at++;
        boolean open = scored.size() < need;
        if (!open) {
          if (Double.isNaN(written[i])) {
            // This candidate's and the next ones' (those the cheap bound leaves), together.
            int end = at;
            while (end < n && end < at + ahead && coarse[(int) order[end]] <= threshold) {
              end++;
            }
            bounds.writtenSquared(known, order, at - 1, end, written);
            fullyBounded += end - at + 1;
            ahead = Math.min(2 * ahead, MOST_AHEAD);
          }
          open = bounds.full(known[i], written[i]) <= threshold;
        }
        if (open) {
          next.add(i);
        }
      }
      Map<Long, PackedPoints> read =
          points.apply(next.stream().map(i -> candidates.get(i).versionId()).toList());
      List<ExactScorer.Input> inputs = new ArrayList<>(next.size());
      List<Integer> positions = new ArrayList<>(next.size());
      for (int i : next) {
        PackedPoints p = read.get(candidates.get(i).versionId());
        if (p != null) {
          inputs.add(new ExactScorer.Input(candidates.get(i), p));
          positions.add(i);
        }
      }
      // Those the full bound leaves, bounded again with the query's landmarks (built once needed).
      if (threshold < Double.POSITIVE_INFINITY && ExactScorer.vectorised() && !inputs.isEmpty()) {
        if (!landmarksChosen && inputs.size() >= LANDMARKS_FROM) {
          landmarks = LandmarkBound.of(query, features.taylor, bounds.q);
          landmarksChosen = true;
        }
        if (landmarks != null) {
          LandmarkBound bound = landmarks;
          double limit = threshold;
          List<ExactScorer.Input> all = inputs;
          landmarkBounded += all.size();
          inputs =
              IntStream.range(0, all.size())
                  .parallel()
                  .filter(
                      j -> {
                        int i = positions.get(j);
                        return known[i] == null
                            || bound.lowerBound(all.get(j).points(), known[i], written[i], limit)
                                <= limit;
                      })
                  .mapToObj(all::get)
                  .toList();
        }
      }
      scored.addAll(ExactScorer.approximate(query, inputs));
      batch = Math.min(2 * batch, LARGEST_BATCH);
      threshold = ExactScorer.needthUpper(scored, need);
    }
    return new Ranked(scored, n, fullyBounded, landmarkBounded);
  }

  /**
   * Lower bounds on a candidate's MMD² to the query, never above it: {@code ‖f_q − f_i‖² +
   * (‖rest_q‖ − ‖rest_i‖)²} over all written-out features ({@link #full}) or over degrees 0 and 1
   * with everything above as one rest ({@link #coarse}, 30 times cheaper at d = 64); each less the
   * float scan's relative error, the features' rounding and {@link #MARGIN}. Candidates without
   * features get 0, so they are compared.
   */
  static final class Bounds {
    final Features q;
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
      return full(f, writtenSquared(f));
    }

    /**
     * {@code ‖f_q − f_i‖²} over all written-out features, shrunk by the float sum's error: at most
     * the float features' squared distance. 0 without features.
     */
    double writtenSquared(Features f) {
      if (f == null) {
        return 0;
      }
      return ExactScorer.squaredDistance(q.values(), f.values(), 0, q.values().length) * fullShrink;
    }

    /**
     * {@link #writtenSquared} into {@code written[i]} for the candidates {@code i = (int)
     * order[p]}, {@code from ≤ p < to}: in parallel tasks of {@link #AHEAD_TASK} when there are
     * several.
     */
    void writtenSquared(Features[] known, long[] order, int from, int to, double[] written) {
      int tasks = (to - from + AHEAD_TASK - 1) / AHEAD_TASK;
      if (tasks < 2) {
        writtenSquaredInOrder(known, order, from, to, written);
        return;
      }
      IntStream.range(0, tasks)
          .parallel()
          .forEach(
              t ->
                  writtenSquaredInOrder(
                      known,
                      order,
                      from + t * AHEAD_TASK,
                      Math.min(to, from + (t + 1) * AHEAD_TASK),
                      written));
    }

    /** {@link #writtenSquared} in one task: four at a time where the vector module is present. */
    private void writtenSquaredInOrder(
        Features[] known, long[] order, int from, int to, double[] written) {
      int[] four = new int[4];
      double[] distances = new double[4];
      int held = 0;
      for (int p = from; p < to; p++) {
        int i = (int) order[p];
        if (known[i] == null || !ExactScorer.vectorised()) {
          written[i] = writtenSquared(known[i]);
          continue;
        }
        four[held++] = i;
        if (held == 4) {
          VectorKernel.squaredDistances(
              q.values(),
              known[four[0]].values(),
              known[four[1]].values(),
              known[four[2]].values(),
              known[four[3]].values(),
              q.values().length,
              distances,
              0);
          for (int k = 0; k < 4; k++) {
            written[four[k]] = distances[k] * fullShrink;
          }
          held = 0;
        }
      }
      for (int k = 0; k < held; k++) {
        written[four[k]] = writtenSquared(known[four[k]]);
      }
    }

    /** {@link #full} from {@link #writtenSquared}. */
    double full(Features f, double writtenSquared) {
      if (f == null) {
        return 0;
      }
      return bound(writtenSquared, f, q.rest() - f.rest());
    }

    private double bound(double squared, Features f, double restDifference) {
      double written = Math.max(0, Math.sqrt(squared) - q.rounding() - f.rounding());
      return written * written + restDifference * restDifference - MARGIN;
    }
  }
}
