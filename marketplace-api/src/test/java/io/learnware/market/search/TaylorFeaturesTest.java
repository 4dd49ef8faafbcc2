package io.learnware.market.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.spec.rkme.StrictGaussian;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The written-out features' lower bound: never above the exact MMD², and useful. */
class TaylorFeaturesTest {

  @Test
  void theBoundNeverExceedsTheExactMmdInAnySpace() {
    SplittableRandom random = new SplittableRandom(5);
    // Dimensions with (3, 16, 64) and without (100) the quadratic block; bandwidths around the
    // data's; centers near and far.
    for (int d : new int[] {3, 16, 64, 100}) {
      for (double gamma : new double[] {0.01, 0.1, 1.0}) {
        double[] center = random.doubles(d, -1, 2).toArray();
        FeatureIndex.SpaceFeatures space =
            new FeatureIndex.SpaceFeatures(new TaylorFeatures(gamma, center));
        List<Rkme> stored = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          Rkme rkme = rkme(random, d, gamma, random.nextDouble(0, 1.5));
          stored.add(rkme);
          space.byVersion.put((long) i, space.taylor.of(rkme, rkme.squaredNorm()));
        }
        for (int q = 0; q < 5; q++) {
          Rkme query = rkme(random, d, gamma, random.nextDouble(0, 1.5));
          CertifiedRanking.Bounds bounds = new CertifiedRanking.Bounds(query, space);
          for (int i = 0; i < stored.size(); i++) {
            double exact = query.mmdSquared(stored.get(i));
            assertThat(bounds.full(space.byVersion.get((long) i)))
                .as("d %d, gamma %s, candidate %d", d, gamma, i)
                .isLessThanOrEqualTo(exact);
            assertThat(bounds.coarse(space.byVersion.get((long) i)))
                .as("coarse: d %d, gamma %s, candidate %d", d, gamma, i)
                .isLessThanOrEqualTo(exact);
          }
        }
      }
    }
  }

  @Test
  void theBoundIsCloseWhereTheDataAreSmoothAtTheKernelsScale() {
    // Points in [0, 1]^16 around the center 0.5 at γ = 0.1: the degrees above two carry little.
    SplittableRandom random = new SplittableRandom(9);
    double[] center = new double[16];
    java.util.Arrays.fill(center, 0.5);
    FeatureIndex.SpaceFeatures space =
        new FeatureIndex.SpaceFeatures(new TaylorFeatures(0.1, center));
    Rkme a = rkme(random, 16, 0.1, 0.1);
    Rkme b = rkme(random, 16, 0.1, 0.1);
    space.byVersion.put(1L, space.taylor.of(b, b.squaredNorm()));
    double bound = new CertifiedRanking.Bounds(a, space).full(space.byVersion.get(1L));
    double exact = a.mmdSquared(b);
    assertThat(bound).isLessThanOrEqualTo(exact).isGreaterThan(0.95 * exact);
  }

  @Test
  void anEmbeddingsFeaturesAndRestMakeUpItsNorm() {
    SplittableRandom random = new SplittableRandom(3);
    Rkme rkme = rkme(random, 64, 0.1, 0.5);
    TaylorFeatures taylor = new TaylorFeatures(0.1, random.doubles(64, 0, 1).toArray());
    TaylorFeatures.Features f = taylor.of(rkme, rkme.squaredNorm());
    double written = 0;
    for (float v : f.values()) {
      written += (double) v * v;
    }
    assertThat(f.values()).hasSize(1 + 64 + 64 * 65 / 2);
    assertThat(written + f.rest() * f.rest())
        .isCloseTo(rkme.squaredNorm(), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(f.rest()).isPositive();
  }

  /** 30 points spread by {@code spread} around a random point of [0, 1]^d, as stored (float). */
  private static Rkme rkme(SplittableRandom random, int d, double gamma, double spread) {
    double[] middle = random.doubles(d, 0, 1).toArray();
    double[] z = new double[30 * d];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) (middle[i % d] + spread * StrictGaussian.next(random));
    }
    double[] beta = random.doubles(30, 0.5, 1.5).toArray();
    double sum = 0;
    for (double b : beta) {
      sum += b;
    }
    for (int i = 0; i < 30; i++) {
      beta[i] /= sum;
    }
    return new Rkme(gamma, 100, new Matrix(30, d, z), beta);
  }
}
