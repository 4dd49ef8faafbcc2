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
import jdk.incubator.vector.DoubleVector;
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
  void packedPointsGiveBackTheStoredEmbeddingBitForBit() {
    Rkme stored = stored(rkme(new SplittableRandom(3), 37, 64, 0.5, 1, 0.1));
    Rkme back = PackedPoints.of(stored, VectorKernel.padding()).rkme();
    assertEquals(stored.points(), back.points());
    Rkme query = rkme(new SplittableRandom(4), 100, 64, 0.5, 1, 0.1);
    assertEquals(query.mmdSquared(stored), query.mmdSquared(back));
  }

  @Test
  void doubleExpIsWithinItsStatedRelativeErrorOverItsWholeRange() {
    int lanes = VectorKernel.DOUBLES.length();
    double[] xs = new double[lanes];
    double[] ys = new double[lanes];
    double worst = 0;
    // Every 2^-10 from −708 to 0, plus random arguments between.
    SplittableRandom random = new SplittableRandom(13);
    int steps = 708 * 1024;
    for (int start = 0; start <= 2 * steps; start += lanes) {
      for (int l = 0; l < lanes; l++) {
        int at = start + l;
        xs[l] = at <= steps ? -Math.min(708.0, at / 1024.0) : -random.nextDouble(0, 708);
      }
      VectorKernel.exp(DoubleVector.fromArray(VectorKernel.DOUBLES, xs, 0)).intoArray(ys, 0);
      for (int l = 0; l < lanes; l++) {
        double exact = Math.exp(xs[l]);
        worst = Math.max(worst, Math.abs(ys[l] - exact) / exact);
      }
    }
    // Math.exp is itself within an ulp (2.2e−16) of e^x.
    assertTrue(
        worst + 0x1p-52 < VectorKernel.EXP_DOUBLE_RELATIVE_ERROR, "worst relative error " + worst);
  }

  @Test
  void theDoubleInnerProductIsWithinItsBoundOfTheScalarScan() {
    SplittableRandom random = new SplittableRandom(17);
    Rkme query = rkme(random, 100, 64, 0.0, 1.0, 0.1);
    VectorKernel.DoubleQuery prepared = VectorKernel.DoubleQuery.of(query);
    double worstRatio = 0;
    for (int i = 0; i < 200; i++) {
      double offset = random.nextDouble(-3, 3);
      double scale = random.nextDouble(0.1, 2);
      int points = 1 + random.nextInt(150);
      Rkme stored = stored(rkme(random, points, 64, offset, scale, 0.1));
      double scan = query.innerProduct(stored);
      VectorKernel.Approximation approximation =
          VectorKernel.innerProductDouble(
              prepared, PackedPoints.of(stored, VectorKernel.padding()));
      double off = Math.abs(approximation.value() - scan);
      assertTrue(off <= approximation.error(), off + " > bound " + approximation.error());
      // Squared norms reach about 1,300 here; the market's scaled tables stay near 64.
      assertTrue(
          approximation.error() <= 1e-10 * Math.abs(scan) + 1e-290,
          "bound " + approximation.error() + " for " + scan);
      if (off > 0) {
        worstRatio = Math.max(worstRatio, off / approximation.error());
      }
    }
    assertTrue(worstRatio > 0, "the vector sum differs from the scan somewhere");
  }

  /**
   * Near-duplicates: 300 copies of two embeddings, each point moved by about 1e−6, so that MMDs tie
   * to about 1e−10, below the float pass's error; and exact copies, whose MMDs tie completely. The
   * best 20 are still exactly those of a double-precision comparison of every candidate, in its
   * order, each MMD² within its stated error of the comparison's (below 1e−11).
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
      // Every tenth is an exact copy of the one two before it (made from the same base).
      Rkme copy =
          i % 10 == 9
              ? inputs.get(i - 2).points().rkme()
              : stored(new Rkme(0.1, 1000, new Matrix(base.size(), 64, z), base.weights()));
      inputs.add(new Input(new Candidate(i, i, 0), PackedPoints.of(copy, VectorKernel.padding())));
      full.add(new double[] {i, query.mmdSquared(copy)});
    }
    // Ties in value (the exact copies) in candidate order, as the sort below keeps them.
    full.sort(Comparator.comparingDouble(e -> e[1]));
    List<Scored> settled = ExactScorer.settle(query, ExactScorer.approximate(query, inputs), 20);
    for (int rank = 0; rank < 20; rank++) {
      Scored s = settled.get(rank);
      double expected = full.get(rank)[1];
      assertEquals(expected, s.mmdSquared(), s.error(), "rank " + rank);
      assertTrue(s.error() < 1e-11, "rank " + rank + " error " + s.error());
      if (s.candidate().versionId() != (long) full.get(rank)[0]) {
        // Only an exact tie may come in the other order, and then with the same value.
        assertEquals(expected, s.mmdSquared(), 0.0, "rank " + rank);
        assertTrue(s.exact(), "a tie is settled by the scan's arithmetic");
      }
    }
    long scalar = settled.stream().filter(Scored::exact).count();
    assertTrue(scalar > 0, "the exact copies' ties went to the scan's arithmetic");
    assertTrue(scalar < 20, "most were settled by the vector pass: " + scalar + " were not");
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
