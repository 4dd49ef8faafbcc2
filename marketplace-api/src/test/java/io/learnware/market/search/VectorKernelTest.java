package io.learnware.market.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.learnware.market.search.ExactScorer.Input;
import io.learnware.market.search.ExactScorer.Scored;
import io.learnware.market.search.StatisticalIndex.Candidate;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.spec.rkme.StrictGaussian;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The float32 comparison, its error bound, and the exactness of the top results built on them. */
class VectorKernelTest {

  @Test
  void theVectorModuleIsUsedInTests() {
    // Surefire starts the JVM with --add-modules jdk.incubator.vector, as bin/market does.
    assertTrue(ExactScorer.vectorised());
  }

  @Test
  void expIsWithinItsStatedRelativeErrorOverItsWholeRange() {
    int lanes = VectorKernel.lanes();
    float[] xs = new float[lanes];
    float[] ys = new float[lanes];
    double worst = 0;
    // Every 2^-12 from −87 to 0, plus the ends and the points where n·ln 2 changes.
    int steps = 87 * 4096;
    for (int start = 0; start <= steps; start += lanes) {
      for (int l = 0; l < lanes; l++) {
        xs[l] = (float) -Math.min(87.0, (start + l) / 4096.0);
      }
      VectorKernel.exp(FloatVector.fromArray(VectorKernel.SPECIES, xs, 0)).intoArray(ys, 0);
      for (int l = 0; l < lanes; l++) {
        double exact = Math.exp(xs[l]);
        worst = Math.max(worst, Math.abs(ys[l] - exact) / exact);
      }
    }
    assertTrue(worst < VectorKernel.EXP_RELATIVE_ERROR / 2, "worst relative error " + worst);
    assertTrue(worst > 0, "the polynomial is an approximation, not Math.exp");
  }

  @Test
  void theFloatInnerProductIsWithinItsBoundAndTheBoundIsTight() {
    SplittableRandom random = new SplittableRandom(7);
    Rkme query = rkme(random, 100, 64, 0.0, 1.0, 0.1);
    for (int i = 0; i < 200; i++) {
      // Spread and offset vary: the bound scales with the points' norms.
      double offset = random.nextDouble(-3, 3);
      double scale = random.nextDouble(0.1, 2);
      int points = 1 + random.nextInt(150);
      Rkme stored = stored(rkme(random, points, 64, offset, scale, 0.1));
      PackedPoints packed = PackedPoints.of(stored, VectorKernel.padding());
      double exact = query.innerProduct(stored);
      VectorKernel.Approximation approximation =
          VectorKernel.innerProduct(VectorKernel.Query.of(query), packed);
      double off = Math.abs(approximation.value() - exact);
      assertTrue(off <= approximation.error(), off + " > bound " + approximation.error());
      // The bound grows with the points' squared norms (up to about 1,300 here).
      assertTrue(
          approximation.error() <= 1e-2 * Math.abs(exact) + 1e-29,
          "bound " + approximation.error() + " for " + exact);
      if (Math.abs(offset) < 0.5 && scale < 1.5) {
        // Data scaled to about [0, 1], as the market's tables are: within 0.05%.
        assertTrue(approximation.error() <= 5e-4 * exact, "bound " + approximation.error());
      }
    }
  }

  @Test
  void fourDistancesAndDotsAtOnceAreWithinTheSingleOnesBound() {
    SplittableRandom random = new SplittableRandom(13);
    // 2,144 numbers (d = 64's features) and lengths whose tail is not a whole vector.
    for (int n : new int[] {2144, 2145, 7, 1}) {
      float[] a = floats(random, n);
      float[][] b = {floats(random, n), floats(random, n), floats(random, n), floats(random, n)};
      double[] distances = new double[5];
      double[] dots = new double[5];
      VectorKernel.squaredDistances(a, b[0], b[1], b[2], b[3], n, distances, 1);
      VectorKernel.dots(a, b[0], b[1], b[2], b[3], n, dots, 1);
      for (int k = 0; k < 4; k++) {
        double distance = 0;
        double dot = 0;
        double dotMagnitude = 0;
        for (int i = 0; i < n; i++) {
          double difference = (double) a[i] - b[k][i];
          distance += difference * difference;
          dot += (double) a[i] * b[k][i];
          dotMagnitude += Math.abs((double) a[i] * b[k][i]);
        }
        // A difference's own rounding doubles the relative error of its square.
        double bound = (n + 2) * 0x1p-24;
        assertTrue(Math.abs(distances[k + 1] - distance) <= 2 * bound * distance, "n " + n);
        assertTrue(Math.abs(dots[k + 1] - dot) <= bound * dotMagnitude, "n " + n);
        // The same values the one-at-a-time kernels give, up to the order of summation.
        assertEquals(
            VectorKernel.squaredDistance(a, b[k], 0, n), distances[k + 1], 2 * bound * distance);
        assertEquals(VectorKernel.dot(a, b[k], n), dots[k + 1], 2 * bound * dotMagnitude);
      }
      assertEquals(0, distances[0]);
      assertEquals(0, dots[0]);
    }
  }

  private static float[] floats(SplittableRandom random, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) StrictGaussian.next(random);
    }
    return out;
  }

  @Test
  void packedPointsGiveBackTheStoredEmbeddingBitForBit() {
    Rkme stored = stored(rkme(new SplittableRandom(3), 37, 64, 0.5, 1, 0.1));
    Rkme back = PackedPoints.of(stored, VectorKernel.padding()).rkme();
    assertEquals(stored.points(), back.points());
    Rkme query = rkme(new SplittableRandom(4), 100, 64, 0.5, 1, 0.1);
    assertEquals(query.mmdSquared(stored), query.mmdSquared(back));
  }

  /**
   * The double pass's vector lanes repeat the scalar scan's arithmetic: inner products and squared
   * norms equal {@link Rkme}'s to the last bit, over shapes that exercise every leftover row and
   * column, and with shared points, whose distance rounds below 0 and is clamped.
   */
  @Test
  void theDoubleKernelEqualsAFullScanBitForBit() {
    SplittableRandom random = new SplittableRandom(5);
    for (int t = 0; t < 300; t++) {
      int d = new int[] {1, 3, 17, 64}[t % 4];
      double gamma = random.nextDouble(0.01, 2);
      Rkme query = rkme(random, 1 + random.nextInt(130), d, -1, 2, gamma);
      Rkme stored = stored(rkme(random, 1 + random.nextInt(130), d, -1, 2, gamma));
      if (t % 3 == 0) {
        // The stored points themselves in the query: distances of (almost) 0.
        query = new Rkme(gamma, 10, stored.points(), stored.weights());
      }
      PackedPoints packed = PackedPoints.of(stored, VectorKernel.padding());
      double expected = query.innerProduct(stored);
      double actual =
          DoubleKernel.innerProduct(DoubleKernel.Left.of(query), DoubleKernel.Right.of(packed));
      assertEquals(
          Double.doubleToRawLongBits(expected),
          Double.doubleToRawLongBits(actual),
          "shape " + query.size() + "×" + stored.size() + "×" + d + ": " + expected + " " + actual);
      Rkme fresh = new Rkme(gamma, 10, query.points(), query.weights());
      assertEquals(
          Double.doubleToRawLongBits(fresh.squaredNorm()),
          Double.doubleToRawLongBits(DoubleKernel.squaredNorm(query)));
      assertEquals(
          fresh.squaredNorm(), ExactScorer.withSquaredNorm(query).squaredNorm(), 0.0, "kept");
    }
  }

  /**
   * Near-duplicates: 300 copies of three embeddings, each point moved by about 1e−6, so that MMDs
   * tie to about 1e−10, below the float pass's error. The best 20 are still exactly those of a
   * double-precision comparison of every candidate, with the same values to the last bit.
   */
  @Test
  void theBestAreThoseOfAFullDoubleComparisonEvenAmongNearTies() {
    SplittableRandom random = new SplittableRandom(11);
    List<Rkme> bases =
        List.of(rkme(random, 100, 64, 0.4, 1, 0.1), rkme(random, 100, 64, 0.6, 1, 0.1));
    Rkme query = rkme(random, 100, 64, 0.5, 1, 0.1);
    List<Input> inputs = new ArrayList<>();
    List<double[]> full = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Rkme base = bases.get(i % bases.size());
      double[] z = base.points().data().clone();
      for (int k = 0; k < z.length; k++) {
        z[k] += 1e-6 * StrictGaussian.next(random);
      }
      Rkme copy = stored(new Rkme(0.1, 1000, new Matrix(base.size(), 64, z), base.weights()));
      inputs.add(new Input(new Candidate(i, i, 0), PackedPoints.of(copy, VectorKernel.padding())));
      full.add(new double[] {i, query.mmdSquared(copy)});
    }
    full.sort(Comparator.comparingDouble(e -> e[1]));
    List<Scored> settled = ExactScorer.settle(query, ExactScorer.approximate(query, inputs), 20);
    for (int rank = 0; rank < 20; rank++) {
      Scored s = settled.get(rank);
      assertTrue(s.exact(), "rank " + rank + " is exact");
      assertEquals(full.get(rank)[1], s.mmdSquared(), 0.0, "rank " + rank);
    }
    long recomputed = settled.stream().filter(Scored::exact).count();
    assertTrue(recomputed < 300, "not everything was recomputed: " + recomputed);
  }

  private static Rkme rkme(
      SplittableRandom random, int points, int d, double offset, double scale, double gamma) {
    double[] z = new double[points * d];
    for (int i = 0; i < z.length; i++) {
      z[i] = offset + scale * random.nextDouble();
    }
    double[] beta = random.doubles(points, 0.5, 1.5).toArray();
    double sum = 0;
    for (double b : beta) {
      sum += b;
    }
    for (int i = 0; i < points; i++) {
      beta[i] /= sum;
    }
    return new Rkme(gamma, 1000, new Matrix(points, d, z), beta);
  }

  /** As stored: points rounded to float32. */
  private static Rkme stored(Rkme rkme) {
    double[] z = rkme.points().data().clone();
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) z[i];
    }
    return new Rkme(rkme.gamma(), 0, new Matrix(rkme.size(), rkme.dimension(), z), rkme.weights());
  }
}
