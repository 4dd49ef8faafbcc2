package io.learnware.market.search;

import io.learnware.spec.rkme.Rkme;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code ⟨μ_query, μ_stored⟩} in float32 with the JDK Vector API, about four times faster than the
 * double-precision scan ({@code GaussianKernel.innerProduct}), together with a bound on its error,
 * so that a search can rank by it and recompute in double only where the bound leaves the order
 * open ({@link ExactScorer}).
 *
 * <p>Only {@link ExactScorer} touches this class, and only when the {@code jdk.incubator.vector}
 * module is present ({@code --add-modules jdk.incubator.vector}); without it the JVM never loads
 * it.
 *
 * <p>The error bound. Points are at most {@code u = 2⁻²⁴} off after rounding to float, and the
 * stored ones are float already. A squared distance {@code ‖q‖² + ‖z‖² − 2q·z} computed with d
 * fused multiply-adds is off by at most {@code (2d + 16)·u·2(‖q‖²_max + ‖z‖²_max)} (the classic
 * {@code γ_n} bound on a dot product, doubled for the norms' rounding); the exponent then by {@code
 * γ} times that plus its own roundings; {@link #exp} by {@link #EXP_RELATIVE_ERROR} (checked in
 * {@code VectorKernelTest} over the whole range); the weighted sums of positive terms by {@code
 * (stride/lanes + lanes + 2)·u} relative. RKME weights are never negative (the schema requires it),
 * so every term is positive and the relative errors bound the sum's.
 */
final class VectorKernel {

  /**
   * 256-bit vectors: on this project's AMD EPYC (AVX-512 executed as two 256-bit halves) they
   * measured 2.3 times faster than 512-bit ones for this kernel.
   */
  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_256;

  /** Bound on {@link #exp}'s relative error for arguments in [−87, 0]; measured below 3e−7. */
  static final double EXP_RELATIVE_ERROR = 1e-6;

  private static final double U = 0x1p-24;
  private static final float LOG2E = 1.44269504088896341f;
  private static final float LN2_HIGH = 0.693145751953125f;
  private static final float LN2_LOW = 1.428606765330187e-06f;

  /** 1.5·2²³: adding it rounds to an integer, which its low mantissa bits then hold. */
  private static final float ROUNDER = 12582912f;

  private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

  private VectorKernel() {}

  static int lanes() {
    return SPECIES.length();
  }

  /** Stored points are padded to a multiple of this: the kernel takes two vectors at a time. */
  static int padding() {
    return 2 * SPECIES.length();
  }

  /** {@code ‖a − b‖²} in float, for {@link CertifiedRanking}'s bounds. */
  static float squaredDistance(float[] a, float[] b, int from, int to) {
    int lanes = SPECIES.length();
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = acc0;
    int i = from;
    for (; i + 2 * lanes <= to; i += 2 * lanes) {
      FloatVector d0 =
          FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i));
      FloatVector d1 =
          FloatVector.fromArray(SPECIES, a, i + lanes)
              .sub(FloatVector.fromArray(SPECIES, b, i + lanes));
      acc0 = d0.fma(d0, acc0);
      acc1 = d1.fma(d1, acc1);
    }
    return acc0.add(acc1).reduceLanes(VectorOperators.ADD) + squaredDistanceTail(a, b, i, to);
  }

  /**
   * {@code a · b} over the first {@code n} numbers, in float; off by at most {@code (n + 2)·u·Σ|a_i
   * b_i|}.
   */
  static float dot(float[] a, float[] b, int n) {
    int lanes = SPECIES.length();
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = acc0;
    int i = 0;
    for (; i + 2 * lanes <= n; i += 2 * lanes) {
      acc0 = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), acc0);
      acc1 =
          FloatVector.fromArray(SPECIES, a, i + lanes)
              .fma(FloatVector.fromArray(SPECIES, b, i + lanes), acc1);
    }
    return acc0.add(acc1).reduceLanes(VectorOperators.ADD) + dotTail(a, b, i, n);
  }

  /**
   * {@link #squaredDistance} from {@code a} to four arrays at once, over {@code [0, n)}, into
   * {@code out[at]} to {@code out[at + 3]}: reading four arrays side by side keeps more of memory's
   * bandwidth busy than reading them one after another (1.8 times faster over 7,800 arrays of 2,144
   * floats). The same error bound: it holds for any order of summation.
   */
  static void squaredDistances(
      float[] a, float[] b0, float[] b1, float[] b2, float[] b3, int n, double[] out, int at) {
    int lanes = SPECIES.length();
    FloatVector s0 = FloatVector.zero(SPECIES);
    FloatVector s1 = s0;
    FloatVector s2 = s0;
    FloatVector s3 = s0;
    int i = 0;
    for (; i + lanes <= n; i += lanes) {
      FloatVector x = FloatVector.fromArray(SPECIES, a, i);
      FloatVector d0 = x.sub(FloatVector.fromArray(SPECIES, b0, i));
      FloatVector d1 = x.sub(FloatVector.fromArray(SPECIES, b1, i));
      FloatVector d2 = x.sub(FloatVector.fromArray(SPECIES, b2, i));
      FloatVector d3 = x.sub(FloatVector.fromArray(SPECIES, b3, i));
      s0 = d0.fma(d0, s0);
      s1 = d1.fma(d1, s1);
      s2 = d2.fma(d2, s2);
      s3 = d3.fma(d3, s3);
    }
    out[at] = s0.reduceLanes(VectorOperators.ADD) + squaredDistanceTail(a, b0, i, n);
    out[at + 1] = s1.reduceLanes(VectorOperators.ADD) + squaredDistanceTail(a, b1, i, n);
    out[at + 2] = s2.reduceLanes(VectorOperators.ADD) + squaredDistanceTail(a, b2, i, n);
    out[at + 3] = s3.reduceLanes(VectorOperators.ADD) + squaredDistanceTail(a, b3, i, n);
  }

  private static float squaredDistanceTail(float[] a, float[] b, int from, int to) {
    float sum = 0;
    for (int i = from; i < to; i++) {
      float difference = a[i] - b[i];
      sum += difference * difference;
    }
    return sum;
  }

  /**
   * {@link #dot} of {@code a} with four arrays at once, over {@code [0, n)}, into {@code out[at]}
   * to {@code out[at + 3]}: {@code a} is read once for the four, and four sums are in flight. The
   * same error bound.
   */
  static void dots(
      float[] a, float[] b0, float[] b1, float[] b2, float[] b3, int n, double[] out, int at) {
    int lanes = SPECIES.length();
    FloatVector s0 = FloatVector.zero(SPECIES);
    FloatVector s1 = s0;
    FloatVector s2 = s0;
    FloatVector s3 = s0;
    int i = 0;
    for (; i + lanes <= n; i += lanes) {
      FloatVector x = FloatVector.fromArray(SPECIES, a, i);
      s0 = x.fma(FloatVector.fromArray(SPECIES, b0, i), s0);
      s1 = x.fma(FloatVector.fromArray(SPECIES, b1, i), s1);
      s2 = x.fma(FloatVector.fromArray(SPECIES, b2, i), s2);
      s3 = x.fma(FloatVector.fromArray(SPECIES, b3, i), s3);
    }
    out[at] = s0.reduceLanes(VectorOperators.ADD) + dotTail(a, b0, i, n);
    out[at + 1] = s1.reduceLanes(VectorOperators.ADD) + dotTail(a, b1, i, n);
    out[at + 2] = s2.reduceLanes(VectorOperators.ADD) + dotTail(a, b2, i, n);
    out[at + 3] = s3.reduceLanes(VectorOperators.ADD) + dotTail(a, b3, i, n);
  }

  private static float dotTail(float[] a, float[] b, int from, int to) {
    float sum = 0;
    for (int i = from; i < to; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  /** A query prepared once per search: points row-major in float, weights as given. */
  record Query(
      int points,
      int dimension,
      float[] coordinates,
      float[] norms,
      double[] weights,
      double maxNorm,
      boolean nonNegative) {

    static Query of(Rkme rkme) {
      return of(rkme.size(), rkme.dimension(), rkme.points().data(), rkme.weights());
    }

    /** {@code k} points of dimension {@code d}, row-major in {@code rows}, and their weights. */
    static Query of(int k, int d, double[] rows, double[] weights) {
      float[] coordinates = new float[k * d];
      float[] norms = new float[k];
      double maxNorm = 0;
      for (int i = 0; i < k; i++) {
        double norm = 0;
        for (int c = 0; c < d; c++) {
          double value = rows[i * d + c];
          coordinates[i * d + c] = (float) value;
          norm += value * value;
        }
        norms[i] = (float) norm;
        maxNorm = Math.max(maxNorm, norm);
      }
      boolean nonNegative = true;
      for (double weight : weights) {
        nonNegative &= weight >= 0;
      }
      return new Query(k, d, coordinates, norms, weights, maxNorm, nonNegative);
    }

    /**
     * A stored embedding as the query side, for inner products between candidates: its points as
     * {@link PackedPoints#rkme()} reads them back, whose norms are those packed.
     */
    static Query of(PackedPoints stored) {
      return of(stored.rkme());
    }
  }

  /** The approximate inner product and a bound on its distance to the exact one. */
  record Approximation(double value, double error) {}

  static Approximation innerProduct(Query query, PackedPoints stored) {
    int d = stored.dimension();
    int stride = stored.stride();
    float[] columns = tiled(stored);
    float[] norms = stored.norms();
    float[] weights = stored.floatWeights();
    float[] q = query.coordinates();
    float negativeGamma = (float) -stored.gamma();
    double sum = 0;
    boolean nonNegative = query.nonNegative();
    float[] queryNorms = query.norms();
    double[] queryWeights = query.weights();
    // Dot products of up to four query points with every stored point, then their kernel values:
    // two small loops rather than one, so that the JIT inlines every vector operation.
    float[] dots = new float[4 * stride];
    int i = 0;
    for (; i + 4 <= query.points(); i += 4) {
      dots4(q, i * d, d, columns, stride, dots);
      for (int r = 0; r < 4; r++) {
        sum +=
            queryWeights[i + r]
                * weightedKernels(
                    dots, r * stride, stride, norms, weights, queryNorms[i + r], negativeGamma);
      }
    }
    for (; i < query.points(); i++) {
      dots1(q, i * d, d, columns, stride, dots);
      sum +=
          queryWeights[i]
              * weightedKernels(dots, 0, stride, norms, weights, queryNorms[i], negativeGamma);
    }
    double relative = nonNegative ? relativeError(query, stored) : Double.POSITIVE_INFINITY;
    if (Double.isInfinite(relative)) {
      return new Approximation(sum, Double.POSITIVE_INFINITY);
    }
    // Kernel values below e^−87 are read as e^−87: an absolute error below 1e−37 per unit weight.
    double error = relative * Math.abs(sum) / (1 - relative) + 1e-30;
    return new Approximation(sum, error);
  }

  /**
   * {@code out[r] = Σ_j β_j·k(q_r, z_j)} for the query's points {@code r} in {@code [from, to)}
   * ({@code from} a multiple of four), each within {@link #relativeError} of the exact value.
   */
  static void kernelSums(Query query, int from, int to, PackedPoints stored, double[] out) {
    int d = stored.dimension();
    int stride = stored.stride();
    float[] columns = tiled(stored);
    float[] q = query.coordinates();
    float negativeGamma = (float) -stored.gamma();
    float[] dots = new float[4 * stride];
    int r = from;
    for (; r + 4 <= to; r += 4) {
      dots4(q, r * d, d, columns, stride, dots);
      for (int s = 0; s < 4; s++) {
        out[r + s] =
            weightedKernels(
                dots,
                s * stride,
                stride,
                stored.norms(),
                stored.floatWeights(),
                query.norms()[r + s],
                negativeGamma);
      }
    }
    for (; r < to; r++) {
      dots1(q, r * d, d, columns, stride, dots);
      out[r] =
          weightedKernels(
              dots,
              0,
              stride,
              stored.norms(),
              stored.floatWeights(),
              query.norms()[r],
              negativeGamma);
    }
  }

  /**
   * The relative error of a weighted kernel sum over {@code stored}'s points, for any of {@code
   * query}'s points; infinite when a stored weight is negative (the terms' errors could cancel).
   */
  static double relativeError(Query query, PackedPoints stored) {
    for (double weight : stored.weights()) {
      if (!(weight >= 0)) {
        return Double.POSITIVE_INFINITY;
      }
    }
    int d = stored.dimension();
    double normSum = query.maxNorm() + stored.maxNorm();
    double distanceError = (2.0 * d + 16) * U * 2 * normSum;
    // The largest distance, for the exponent's own rounding (and γ's, rounded to float).
    double largestDistance = 2 * normSum;
    double exponentError =
        stored.gamma() * distanceError + 4 * U * stored.gamma() * largestDistance;
    double kernelError = Math.expm1(exponentError) + EXP_RELATIVE_ERROR + 2 * U;
    double sumError =
        ((double) stored.stride() / SPECIES.length() + SPECIES.length() + 2) * U * 1.01;
    return (1 + kernelError) * (1 + sumError) - 1;
  }

  /** The stored points' coordinates, checked to be in tiles of two vectors ({@link #padding}). */
  private static float[] tiled(PackedPoints stored) {
    if (stored.tile() != padding()) {
      throw new IllegalArgumentException(
          "points packed in tiles of " + stored.tile() + ", not " + padding());
    }
    return stored.columns();
  }

  /**
   * {@code q_r · z_j} for four consecutive query points {@code r} (from {@code row}) and every
   * stored point {@code j}, into {@code out[r·stride + j]}. A 4 × 2 tile: eight independent
   * multiply-add chains for six loads (measured 18.6 µs for K = 100, d = 64, against 46 µs for one
   * chain at a time). One tile of stored points at a time ({@link PackedPoints#offset}): its loads
   * are consecutive in memory.
   */
  private static void dots4(float[] q, int row, int d, float[] columns, int stride, float[] out) {
    int lanes = SPECIES.length();
    int tile = 2 * lanes;
    int row1 = row + d;
    int row2 = row1 + d;
    int row3 = row2 + d;
    for (int j = 0; j < stride; j += tile) {
      FloatVector a0 = FloatVector.zero(SPECIES);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector b0 = a0;
      FloatVector b1 = a0;
      FloatVector b2 = a0;
      FloatVector b3 = a0;
      for (int c = 0; c < d; c++) {
        int at = j * d + c * tile;
        FloatVector x = FloatVector.fromArray(SPECIES, columns, at);
        FloatVector y = FloatVector.fromArray(SPECIES, columns, at + lanes);
        FloatVector q0 = FloatVector.broadcast(SPECIES, q[row + c]);
        FloatVector q1 = FloatVector.broadcast(SPECIES, q[row1 + c]);
        FloatVector q2 = FloatVector.broadcast(SPECIES, q[row2 + c]);
        FloatVector q3 = FloatVector.broadcast(SPECIES, q[row3 + c]);
        a0 = x.fma(q0, a0);
        a1 = x.fma(q1, a1);
        a2 = x.fma(q2, a2);
        a3 = x.fma(q3, a3);
        b0 = y.fma(q0, b0);
        b1 = y.fma(q1, b1);
        b2 = y.fma(q2, b2);
        b3 = y.fma(q3, b3);
      }
      a0.intoArray(out, j);
      b0.intoArray(out, j + lanes);
      a1.intoArray(out, stride + j);
      b1.intoArray(out, stride + j + lanes);
      a2.intoArray(out, 2 * stride + j);
      b2.intoArray(out, 2 * stride + j + lanes);
      a3.intoArray(out, 3 * stride + j);
      b3.intoArray(out, 3 * stride + j + lanes);
    }
  }

  /** {@link #dots4} for one query point, into {@code out[j]}. */
  private static void dots1(float[] q, int row, int d, float[] columns, int stride, float[] out) {
    int tile = 2 * SPECIES.length();
    for (int j = 0; j < stride; j += SPECIES.length()) {
      FloatVector dot = FloatVector.zero(SPECIES);
      int first = j - j % tile;
      int base = first * d + j - first;
      for (int c = 0; c < d; c++) {
        dot =
            FloatVector.fromArray(SPECIES, columns, base + c * tile)
                .fma(FloatVector.broadcast(SPECIES, q[row + c]), dot);
      }
      dot.intoArray(out, j);
    }
  }

  /**
   * {@code Σ_j β_j·exp(−γ·max(0, ‖z_j‖² + ‖q‖² − 2q·z_j))} from the dot products at {@code from}.
   */
  private static float weightedKernels(
      float[] dots,
      int from,
      int stride,
      float[] norms,
      float[] weights,
      float queryNorm,
      float negativeGamma) {
    FloatVector acc = FloatVector.zero(SPECIES);
    for (int j = 0; j < stride; j += SPECIES.length()) {
      FloatVector dot = FloatVector.fromArray(SPECIES, dots, from + j);
      FloatVector distance =
          FloatVector.fromArray(SPECIES, norms, j).add(queryNorm).sub(dot.add(dot)).max(0f);
      acc = exp(distance.mul(negativeGamma)).fma(FloatVector.fromArray(SPECIES, weights, j), acc);
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }

  /**
   * {@code e^x} for {@code x ≤ 0}: {@code x = n·ln 2 + r} with {@code |r| ≤ ln 2 / 2}, {@code e^r}
   * by its Taylor polynomial of degree 7, and {@code 2^n} written into the exponent bits. Arguments
   * below −87 are read as −87, so that {@code 2^n} stays a normal float.
   */
  static FloatVector exp(FloatVector x) {
    FloatVector clamped = x.max(-87f);
    FloatVector shifted = clamped.mul(LOG2E).add(ROUNDER);
    FloatVector n = shifted.sub(ROUNDER);
    FloatVector r = clamped.sub(n.mul(LN2_HIGH)).sub(n.mul(LN2_LOW));
    FloatVector p =
        r.fma(FloatVector.broadcast(SPECIES, 1f / 5040), FloatVector.broadcast(SPECIES, 1f / 720));
    p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 120));
    p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 24));
    p = p.fma(r, FloatVector.broadcast(SPECIES, 1f / 6));
    p = p.fma(r, FloatVector.broadcast(SPECIES, 0.5f));
    p = p.fma(r, FloatVector.broadcast(SPECIES, 1f));
    p = p.fma(r, FloatVector.broadcast(SPECIES, 1f));
    IntVector exponent =
        ((IntVector) shifted.reinterpretAsInts())
            .sub(ROUNDER_BITS - 127)
            .lanewise(VectorOperators.LSHL, 23);
    return p.mul(exponent.reinterpretAsFloats());
  }
}
