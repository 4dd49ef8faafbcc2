package io.learnware.market.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.spec.rkme.StrictGaussian;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The landmark bound: never above the exact MMD² (at either level, in any space), and much tighter
 * than the Taylor bound it extends where the stored embeddings are noisy.
 */
class LandmarkBoundTest {

  @Test
  void theBoundNeverExceedsTheExactMmdInAnySpace() {
    SplittableRandom random = new SplittableRandom(11);
    int checked = 0;
    for (int d : new int[] {3, 16, 64, 100}) {
      for (double gamma : new double[] {0.01, 0.1, 1.0}) {
        Rkme query =
            rkme(random, 100, d, random.nextDouble(0, 1), random.nextDouble(0.05, 1.5), gamma);
        TaylorFeatures taylor = new TaylorFeatures(gamma, random.doubles(d, -1, 2).toArray());
        CertifiedRanking.Bounds taylorBound = new CertifiedRanking.Bounds(query, space(taylor));
        LandmarkBound bound = LandmarkBound.of(query, taylor, taylorBound.q);
        if (bound == null) {
          // The written-out features keep all but a negligible rest of every point.
          assertThat(gamma * d).as("d %d, gamma %s", d, gamma).isLessThan(1);
          continue;
        }
        checked++;
        for (int i = 0; i < 30; i++) {
          // Near the query and far from it, tight and spread, few points and many.
          Rkme stored =
              rkme(
                  random,
                  1 + random.nextInt(150),
                  d,
                  random.nextDouble(-2, 3),
                  random.nextDouble(0.05, 2),
                  gamma);
          PackedPoints packed = PackedPoints.of(stored, VectorKernel.padding());
          TaylorFeatures.Features f = taylor.of(stored, stored.squaredNorm());
          double written = taylorBound.writtenSquared(f);
          double exact = query.mmdSquared(stored);
          // An infinite threshold takes every level, a negative one only the first.
          assertThat(bound.lowerBound(packed, f, written, Double.POSITIVE_INFINITY))
              .as("all landmarks: d %d, gamma %s, candidate %d", d, gamma, i)
              .isLessThanOrEqualTo(exact);
          assertThat(bound.lowerBound(packed, f, written, -1))
              .as("first level: d %d, gamma %s, candidate %d", d, gamma, i)
              .isLessThanOrEqualTo(exact);
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(9);
  }

  @Test
  void aCandidateEqualToTheQueryIsNeverExcluded() {
    SplittableRandom random = new SplittableRandom(12);
    // Far from the origin the float kernel's rounding is large (the squared distances are
    // differences of large norms): only the bound's allowance for it keeps it at or below 0 there.
    for (double offset : new double[] {0.5, 10, 25, 40}) {
      for (double spread : new double[] {0.05, 0.3, 1, 3}) {
        Rkme query = rkme(random, 100, 64, offset, spread, 0.1);
        double[] center = new double[64];
        Arrays.fill(center, offset);
        TaylorFeatures taylor = new TaylorFeatures(0.1, center);
        CertifiedRanking.Bounds taylorBound = new CertifiedRanking.Bounds(query, space(taylor));
        PackedPoints same = PackedPoints.of(query, VectorKernel.padding());
        TaylorFeatures.Features f = taylor.of(query, query.squaredNorm());
        double exact = query.mmdSquared(same.rkme());
        assertThat(exact).isLessThan(1e-12);
        LandmarkBound bound = LandmarkBound.of(query, taylor, taylorBound.q);
        if (bound == null) {
          // Points this close to the center leave the written-out features (nearly) nothing.
          assertThat(spread).isLessThan(0.1);
          continue;
        }
        assertThat(
                bound.lowerBound(same, f, taylorBound.writtenSquared(f), Double.POSITIVE_INFINITY))
            .as("offset %s, spread %s", offset, spread)
            .isLessThanOrEqualTo(exact);
      }
    }
  }

  @Test
  void aQueryFarFromTheSpacesDataIsBoundedWithoutOverflow() {
    // Data on another scale than the space's (a user's mistake, or an attack): e^{2γ x·y} alone
    // would overflow, and 0·∞ would make every bound NaN.
    SplittableRandom random = new SplittableRandom(14);
    double[] center = new double[64];
    Arrays.fill(center, 0.5);
    TaylorFeatures taylor = new TaylorFeatures(0.1, center);
    for (double offset : new double[] {-100, 30, 100, 1e4}) {
      Rkme query = rkme(random, 100, 64, offset, 1, 0.1);
      CertifiedRanking.Bounds taylorBound = new CertifiedRanking.Bounds(query, space(taylor));
      LandmarkBound bound = LandmarkBound.of(query, taylor, taylorBound.q);
      Rkme stored = rkme(random, 100, 64, 0.5, 0.3, 0.1);
      TaylorFeatures.Features f = taylor.of(stored, stored.squaredNorm());
      double exact = query.mmdSquared(stored);
      assertThat(bound).as("offset %s", offset).isNotNull();
      double lower =
          bound.lowerBound(
              PackedPoints.of(stored, VectorKernel.padding()),
              f,
              taylorBound.writtenSquared(f),
              Double.POSITIVE_INFINITY);
      assertThat(lower).as("offset %s", offset).isNotNaN().isLessThanOrEqualTo(exact);
      // Nothing in common: the MMD² is the two squared norms, which the Taylor bound proves.
      assertThat(taylorBound.full(f)).as("offset %s", offset).isLessThanOrEqualTo(exact);
    }
  }

  @Test
  void aSmoothQueryBoundsUnrelatedNoisyCandidatesMoreTightlyThanTheTaylorFeatures() {
    // The search benchmark's shape: a query summarising 2,000 points of three "topics", stored
    // embeddings of 100 raw noisy points of three others (noise 0.3 per coordinate, d = 64).
    SplittableRandom random = new SplittableRandom(13);
    double[] topics = random.doubles(30 * 64).toArray();
    Rkme query =
        Rkme.builder()
            .setData(topicSample(random, topics, new int[] {0, 1, 2}, 2000))
            .optSeed(1)
            .build();
    double[] center = new double[64];
    Arrays.fill(center, 0.5);
    TaylorFeatures taylor = new TaylorFeatures(0.1, center);
    CertifiedRanking.Bounds taylorBound = new CertifiedRanking.Bounds(query, space(taylor));
    LandmarkBound landmarks = LandmarkBound.of(query, taylor, taylorBound.q);
    double[] slack = new double[20];
    double[] taylorSlack = new double[20];
    for (int i = 0; i < slack.length; i++) {
      int first = 3 + 3 * (i % 9);
      Rkme stored =
          stored(topicSample(random, topics, new int[] {first, first + 1, first + 2}, 100));
      TaylorFeatures.Features f = taylor.of(stored, stored.squaredNorm());
      double written = taylorBound.writtenSquared(f);
      double exact = query.mmdSquared(stored);
      double bound =
          landmarks.lowerBound(
              PackedPoints.of(stored, VectorKernel.padding()),
              f,
              written,
              Double.POSITIVE_INFINITY);
      assertThat(bound).isLessThanOrEqualTo(exact);
      slack[i] = exact - bound;
      taylorSlack[i] = exact - taylorBound.full(f, written);
    }
    Arrays.sort(slack);
    Arrays.sort(taylorSlack);
    assertThat(slack[slack.length - 1]).isLessThan(taylorSlack[0] / 2);
  }

  private static FeatureIndex.SpaceFeatures space(TaylorFeatures taylor) {
    return new FeatureIndex.SpaceFeatures(taylor);
  }

  /** {@code n} points around {@code middle} (in every coordinate), spread by {@code spread}. */
  private static Rkme rkme(
      SplittableRandom random, int n, int d, double middle, double spread, double gamma) {
    double[] z = new double[n * d];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) (middle + spread * StrictGaussian.next(random));
    }
    return new Rkme(gamma, n, new Matrix(n, d, z), weights(random, n));
  }

  /** Raw points as an embedding (float, as stored), weights jittered around uniform. */
  private static Rkme stored(Matrix points) {
    double[] z = points.data().clone();
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) z[i];
    }
    return new Rkme(
        0.1,
        points.rows(),
        new Matrix(points.rows(), points.columns(), z),
        weights(new SplittableRandom(points.rows()), points.rows()));
  }

  private static Matrix topicSample(SplittableRandom random, double[] topics, int[] chosen, int n) {
    double[] x = new double[n * 64];
    for (int i = 0; i < n; i++) {
      int topic = chosen[random.nextInt(chosen.length)];
      for (int c = 0; c < 64; c++) {
        x[i * 64 + c] = topics[topic * 64 + c] + 0.3 * StrictGaussian.next(random);
      }
    }
    return new Matrix(n, 64, x);
  }

  private static double[] weights(SplittableRandom random, int n) {
    double[] beta = random.doubles(n, 0.5, 1.5).toArray();
    double sum = Arrays.stream(beta).sum();
    for (int i = 0; i < n; i++) {
      beta[i] /= sum;
    }
    return beta;
  }
}
