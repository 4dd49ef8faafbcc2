package io.learnware.market.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.learnware.market.search.ExactScorer.Scored;
import io.learnware.market.search.StatisticalIndex.Candidate;
import io.learnware.market.search.TaylorFeatures.Features;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.spec.rkme.StrictGaussian;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The certified ranking on a market where the bounds matter: 400 learnwares, each 100 raw noisy
 * points of three of 1,000 "topics" (d = 64, γ = 0.1), queried by RKMEs of fresh data. Its best ten
 * are a full double scan's, to the last bit, although the landmark bound left most candidates
 * uncompared.
 */
class CertifiedRankingTest {

  private static final int D = 64;

  /**
   * Many more topics than learnwares share, so that most of a query's best ten are unrelated to it
   * and nearly tied: the case that leaves the Taylor bound hundreds of candidates.
   */
  private static final int TOPICS = 1000;

  @Test
  void theBestTenAreAFullScansAndTheLandmarksLeaveMostCandidatesOut() {
    SplittableRandom random = new SplittableRandom(21);
    double[] topics = random.doubles(TOPICS * D).toArray();
    List<Candidate> candidates = new ArrayList<>();
    Map<Long, PackedPoints> points = new HashMap<>();
    List<Rkme> stored = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      int[] chosen = {random.nextInt(TOPICS), random.nextInt(TOPICS), random.nextInt(TOPICS)};
      Rkme rkme = rawRkme(random, sample(random, topics, chosen, 100));
      stored.add(rkme);
      candidates.add(new Candidate(i, i, 0));
      points.put((long) i, PackedPoints.of(rkme, VectorKernel.padding()));
    }
    double[] center = new double[D];
    for (Rkme rkme : stored) {
      double[] z = rkme.points().data();
      for (int j = 0; j < z.length; j++) {
        center[j % D] += z[j] / (400.0 * 100);
      }
    }
    FeatureIndex.SpaceFeatures features =
        new FeatureIndex.SpaceFeatures(new TaylorFeatures(0.1, center));
    for (int i = 0; i < stored.size(); i++) {
      features.byVersion.put(
          (long) i, features.taylor.of(stored.get(i), stored.get(i).squaredNorm()));
    }
    for (int q = 0; q < 3; q++) {
      int[] chosen = {random.nextInt(TOPICS), random.nextInt(TOPICS), random.nextInt(TOPICS)};
      Rkme query =
          ExactScorer.withSquaredNorm(
              Rkme.builder().setData(sample(random, topics, chosen, 2000)).optSeed(q).build());
      CertifiedRanking.Ranked ranked =
          CertifiedRanking.rank(
              query,
              candidates,
              features,
              10,
              ids -> {
                Map<Long, PackedPoints> out = new HashMap<>();
                ids.forEach(id -> out.put(id, points.get(id)));
                return out;
              });
      List<Scored> best = ExactScorer.settle(query, ranked.scored(), 10).subList(0, 10);
      double[][] full = new double[stored.size()][];
      for (int i = 0; i < stored.size(); i++) {
        full[i] = new double[] {i, query.mmdSquared(points.get((long) i).rkme())};
      }
      Arrays.sort(full, Comparator.comparingDouble(e -> e[1]));
      for (int rank = 0; rank < 10; rank++) {
        assertThat(best.get(rank).candidate().versionId())
            .as("query %d, rank %d", q, rank)
            .isEqualTo((long) full[rank][0]);
        assertThat(best.get(rank).mmdSquared()).isEqualTo(full[rank][1]);
      }
      // The landmarks looked at many candidates and left most of them uncompared.
      assertThat(ranked.landmarkBounded()).as("query %d", q).isGreaterThan(50);
      assertThat(ranked.scored().size())
          .as("query %d: compared of %d bounded by landmarks", q, ranked.landmarkBounded())
          .isLessThan(32 + ranked.landmarkBounded() / 2);
    }
  }

  /**
   * The full bounds computed ahead (four at a time, in parallel tasks) are each candidate's own,
   * whatever its place in a group of four, with and without features, and only for the window.
   */
  @Test
  void fullBoundsComputedAheadAreEachCandidatesOwn() {
    SplittableRandom random = new SplittableRandom(22);
    for (int d : new int[] {5, 64}) {
      TaylorFeatures taylor = new TaylorFeatures(0.1, random.doubles(d, 0, 1).toArray());
      Rkme query = rawRkme(random, d, 50);
      CertifiedRanking.Bounds bounds =
          new CertifiedRanking.Bounds(query, new FeatureIndex.SpaceFeatures(taylor));
      int n = 700;
      Features[] known = new Features[n];
      long[] order = new long[n];
      for (int i = 0; i < n; i++) {
        Rkme stored = rawRkme(random, d, 1 + random.nextInt(30));
        // Every seventh has no features (not yet computed): bound 0.
        known[i] = i % 7 == 3 ? null : taylor.of(stored, stored.squaredNorm());
        order[i] = n - 1 - i;
      }
      double[] written = new double[n];
      Arrays.fill(written, Double.NaN);
      // 600 candidates: five parallel tasks of 128, the last one short.
      bounds.writtenSquared(known, order, 50, 650, written);
      for (int p = 0; p < n; p++) {
        int i = (int) order[p];
        if (p < 50 || p >= 650) {
          assertThat(written[i]).as("outside the window: %d", p).isNaN();
        } else if (known[i] == null) {
          assertThat(written[i]).isZero();
        } else {
          double own = bounds.writtenSquared(known[i]);
          assertThat(written[i]).as("d %d, candidate %d", d, i).isCloseTo(own, within(1e-5 * own));
        }
      }
    }
  }

  private static Rkme rawRkme(SplittableRandom random, int d, int rows) {
    double[] x = new double[rows * d];
    for (int j = 0; j < x.length; j++) {
      x[j] = random.nextDouble(-0.5, 1.5);
    }
    double[] beta = new double[rows];
    Arrays.fill(beta, 1.0 / rows);
    return new Rkme(0.1, rows, new Matrix(rows, d, x), beta);
  }

  private static Matrix sample(SplittableRandom random, double[] topics, int[] chosen, int rows) {
    double[] x = new double[rows * D];
    for (int i = 0; i < rows; i++) {
      int topic = chosen[random.nextInt(chosen.length)];
      for (int c = 0; c < D; c++) {
        x[i * D + c] = topics[topic * D + c] + 0.3 * StrictGaussian.next(random);
      }
    }
    return new Matrix(rows, D, x);
  }

  /** Raw points as an embedding, rounded to float as stored, weights jittered around uniform. */
  private static Rkme rawRkme(SplittableRandom random, Matrix points) {
    double[] z = points.data().clone();
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) z[i];
    }
    double[] beta = random.doubles(points.rows(), 0.5, 1.5).toArray();
    double sum = Arrays.stream(beta).sum();
    for (int i = 0; i < beta.length; i++) {
      beta[i] /= sum;
    }
    return new Rkme(0.1, points.rows(), new Matrix(points.rows(), D, z), beta);
  }
}
