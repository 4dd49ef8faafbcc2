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
    // data's; centers near and far; without and with the cubic block.
    for (boolean cubic : new boolean[] {false, true}) {
      for (int d : new int[] {3, 16, 64, 100}) {
        for (double gamma : new double[] {0.01, 0.1, 1.0}) {
          double[] center = random.doubles(d, -1, 2).toArray();
          FeatureIndex.SpaceFeatures space =
              new FeatureIndex.SpaceFeatures(new TaylorFeatures(gamma, center, cubic));
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
              TaylorFeatures.Features f = space.byVersion.get((long) i);
              assertThat(bounds.cubic(f))
                  .as("d %d, gamma %s, cubic %s, candidate %d", d, gamma, cubic, i)
                  .isLessThanOrEqualTo(exact);
              assertThat(bounds.quadratic(f))
                  .as("quadratic: d %d, gamma %s, cubic %s, candidate %d", d, gamma, cubic, i)
                  .isLessThanOrEqualTo(exact);
              assertThat(bounds.coarse(f))
                  .as("coarse: d %d, gamma %s, cubic %s, candidate %d", d, gamma, cubic, i)
                  .isLessThanOrEqualTo(exact);
            }
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
    double bound = new CertifiedRanking.Bounds(a, space).quadratic(space.byVersion.get(1L));
    double exact = a.mmdSquared(b);
    assertThat(bound).isLessThanOrEqualTo(exact).isGreaterThan(0.95 * exact);
  }

  @Test
  void theCubicBlockTightensTheBound() {
    // Points around random points of [0, 1]^16 at γ = 0.1, as in the search benchmark: degree 3
    // carries most of what degree 2 misses.
    SplittableRandom random = new SplittableRandom(11);
    double[] center = random.doubles(16, 0, 1).toArray();
    TaylorFeatures quadratic = new TaylorFeatures(0.1, center);
    TaylorFeatures cubic = new TaylorFeatures(0.1, center, true);
    double missedQuadratic = 0;
    double missedCubic = 0;
    for (int i = 0; i < 30; i++) {
      Rkme a = rkme(random, 16, 0.1, 0.3);
      Rkme b = rkme(random, 16, 0.1, 0.3);
      double exact = a.mmdSquared(b);
      missedQuadratic += exact - bound(quadratic, a, b);
      missedCubic += exact - bound(cubic, a, b);
    }
    assertThat(missedCubic).isLessThan(missedQuadratic / 3);
  }

  /**
   * For two points, the written-out features' inner product is the kernel's Taylor polynomial:
   * {@code a(x)·a(y)·(1 + s + s²/2 + s³/6)} with {@code s = 2γ x·y}; every cubic coefficient
   * counts.
   */
  @Test
  void theFeaturesOfTwoPointsMultiplyToTheKernelsTaylorPolynomial() {
    SplittableRandom random = new SplittableRandom(13);
    for (int d : new int[] {1, 2, 5, 17}) {
      double gamma = 0.3;
      double[] center = new double[d];
      TaylorFeatures taylor = new TaylorFeatures(gamma, center, true);
      double[] x = random.doubles(d, -1, 1).toArray();
      double[] y = random.doubles(d, -1, 1).toArray();
      float[] fx = taylor.of(point(x, gamma), 1).values();
      float[] fy = taylor.of(point(y, gamma), 1).values();
      double product = 0;
      for (int i = 0; i < fx.length; i++) {
        product += (double) fx[i] * fy[i];
      }
      double s = 0;
      double xx = 0;
      double yy = 0;
      for (int c = 0; c < d; c++) {
        s += 2 * gamma * x[c] * y[c];
        xx += x[c] * x[c];
        yy += y[c] * y[c];
      }
      double expected = Math.exp(-gamma * (xx + yy)) * (1 + s + s * s / 2 + s * s * s / 6);
      assertThat(fx).hasSize(1 + d + d * (d + 1) / 2 + d * (d + 1) * (d + 2) / 6);
      assertThat(product)
          .as("d %d", d)
          .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
    }
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

    TaylorFeatures.Features withCubic =
        new TaylorFeatures(0.1, random.doubles(64, 0, 1).toArray(), true)
            .of(rkme, rkme.squaredNorm());
    double cubicWritten = 0;
    for (int i = 1 + 64 + 64 * 65 / 2; i < withCubic.values().length; i++) {
      cubicWritten += (double) withCubic.values()[i] * withCubic.values()[i];
    }
    assertThat(withCubic.values()).hasSize(1 + 64 + 64 * 65 / 2 + 64 * 65 * 66 / 6);
    assertThat(withCubic.rest()).isPositive();
    assertThat(cubicWritten + withCubic.rest() * withCubic.rest())
        .isCloseTo(
            withCubic.beyondQuadratic() * withCubic.beyondQuadratic(),
            org.assertj.core.data.Offset.offset(1e-6));
  }

  private static double bound(TaylorFeatures taylor, Rkme query, Rkme stored) {
    FeatureIndex.SpaceFeatures space = new FeatureIndex.SpaceFeatures(taylor);
    return new CertifiedRanking.Bounds(query, space).cubic(taylor.of(stored, stored.squaredNorm()));
  }

  /** One point of weight 1. */
  private static Rkme point(double[] x, double gamma) {
    return new Rkme(gamma, 1, new Matrix(1, x.length, x), new double[] {1});
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
