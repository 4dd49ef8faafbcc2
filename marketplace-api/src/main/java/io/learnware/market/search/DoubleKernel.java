package io.learnware.market.search;

import io.learnware.spec.rkme.Rkme;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code ⟨μ_a, μ_b⟩} in double, equal to the last bit to {@link Rkme#innerProduct} (a full scan's
 * value), about twice as fast: the dot products run in vector lanes, one pair of points per lane.
 *
 * <p>Why the bits are the same: a lane performs, for its pair, exactly the scalar code's sequence
 * of operations, {@code s = 0; s = s + u_c·v_c} for c in order, each a separately rounded multiply
 * and add (never fused, as in Java's scalar arithmetic); the squared norms likewise. The kernel
 * values and their weighted sum are then computed in scalar code, in the order of {@code
 * GaussianKernel.innerProduct}, whose loop structure {@link #innerProduct} repeats. {@code
 * DoubleKernelTest} compares the two bit for bit over random shapes.
 *
 * <p>Like {@link VectorKernel}, only {@link ExactScorer} touches this class, and only when the
 * {@code jdk.incubator.vector} module is present.
 */
final class DoubleKernel {

  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_256;

  private DoubleKernel() {}

  /**
   * The first argument of an inner product: points row-major, their squared norms, weights.
   *
   * @param rows {@code points × dimension}, row-major
   */
  record Left(
      double gamma, int points, int dimension, double[] rows, double[] norms, double[] weights) {

    static Left of(Rkme rkme) {
      int k = rkme.size();
      int d = rkme.dimension();
      double[] rows = rkme.points().data();
      double[] norms = new double[k];
      for (int i = 0; i < k; i++) {
        double sum = 0;
        for (int c = 0; c < d; c++) {
          double v = rows[i * d + c];
          sum += v * v;
        }
        norms[i] = sum;
      }
      return new Left(rkme.gamma(), k, d, rows, norms, rkme.weights());
    }
  }

  /**
   * The second argument: points column-major ({@code c·stride + j}) with {@code stride} a multiple
   * of two vectors, their squared norms, weights.
   */
  record Right(int points, int stride, double[] columns, double[] norms, double[] weights) {

    static Right of(PackedPoints packed) {
      int d = packed.dimension();
      int stride = packed.stride();
      if (stride % (2 * SPECIES.length()) != 0) {
        throw new IllegalArgumentException("stride " + stride + " is not a whole number of tiles");
      }
      float[] packedColumns = packed.columns();
      double[] columns = new double[d * stride];
      double[] norms = new double[stride];
      // The packed array in order, tile by tile (PackedPoints#offset).
      int tile = packed.tile();
      int at = 0;
      for (int first = 0; first < stride; first += tile) {
        for (int c = 0; c < d; c++) {
          int base = c * stride + first;
          for (int l = 0; l < tile; l++) {
            double v = packedColumns[at++];
            columns[base + l] = v;
            norms[first + l] += v * v;
          }
        }
      }
      return new Right(packed.points(), stride, columns, norms, packed.weights());
    }

    /** An embedding given in double, as the second argument (for its own squared norm). */
    static Right of(Rkme rkme) {
      int k = rkme.size();
      int d = rkme.dimension();
      int tile = 2 * SPECIES.length();
      int stride = (k + tile - 1) / tile * tile;
      double[] rows = rkme.points().data();
      double[] columns = new double[d * stride];
      double[] norms = new double[stride];
      for (int c = 0; c < d; c++) {
        int base = c * stride;
        for (int j = 0; j < k; j++) {
          double v = rows[j * d + c];
          columns[base + j] = v;
          norms[j] += v * v;
        }
      }
      return new Right(k, stride, columns, norms, rkme.weights());
    }
  }

  /** {@code ‖μ‖²}, as {@link Rkme#squaredNorm()} computes it. */
  static double squaredNorm(Rkme rkme) {
    return innerProduct(Left.of(rkme), Right.of(rkme));
  }

  /** {@code Σ_ij wa_i · wb_j · exp(−γ‖a_i − b_j‖²)}, bit for bit as {@link Rkme#innerProduct}. */
  static double innerProduct(Left a, Right b) {
    int stride = b.stride();
    double[] dots = dots(a, b);
    double gamma = a.gamma();
    double[] wa = a.weights();
    double[] wb = b.weights();
    double[] xNorms = a.norms();
    double[] yNorms = b.norms();
    int n = a.points();
    int m = b.points();
    // GaussianKernel.innerProduct's order: rows in pairs and columns in fours, then the leftovers.
    int nTiled = n - n % 2;
    int mTiled = m - m % 4;
    double sum = 0;
    for (int i = 0; i < nTiled; i += 2) {
      int r0 = i * stride;
      int r1 = r0 + stride;
      double x0 = xNorms[i];
      double x1 = xNorms[i + 1];
      for (int j = 0; j < mTiled; j += 4) {
        sum +=
            wa[i]
                    * (wb[j] * kernel(gamma, x0, yNorms[j], dots[r0 + j])
                        + wb[j + 1] * kernel(gamma, x0, yNorms[j + 1], dots[r0 + j + 1])
                        + wb[j + 2] * kernel(gamma, x0, yNorms[j + 2], dots[r0 + j + 2])
                        + wb[j + 3] * kernel(gamma, x0, yNorms[j + 3], dots[r0 + j + 3]))
                + wa[i + 1]
                    * (wb[j] * kernel(gamma, x1, yNorms[j], dots[r1 + j])
                        + wb[j + 1] * kernel(gamma, x1, yNorms[j + 1], dots[r1 + j + 1])
                        + wb[j + 2] * kernel(gamma, x1, yNorms[j + 2], dots[r1 + j + 2])
                        + wb[j + 3] * kernel(gamma, x1, yNorms[j + 3], dots[r1 + j + 3]));
      }
      for (int j = mTiled; j < m; j++) {
        sum += wa[i] * wb[j] * kernel(gamma, x0, yNorms[j], dots[r0 + j]);
        sum += wa[i + 1] * wb[j] * kernel(gamma, x1, yNorms[j], dots[r1 + j]);
      }
    }
    for (int i = nTiled; i < n; i++) {
      for (int j = 0; j < m; j++) {
        sum += wa[i] * wb[j] * kernel(gamma, xNorms[i], yNorms[j], dots[i * stride + j]);
      }
    }
    return sum;
  }

  private static double kernel(double gamma, double xNorm, double yNorm, double dot) {
    return Math.exp(-gamma * Math.max(0, xNorm + yNorm - 2 * dot));
  }

  /**
   * {@code a_i · b_j} into {@code [i·stride + j]}: tiles of four rows by two vectors, eight
   * independent chains per loaded pair of vectors; the last rows one at a time.
   */
  private static double[] dots(Left a, Right b) {
    int d = a.dimension();
    int n = a.points();
    int stride = b.stride();
    int lanes = SPECIES.length();
    double[] x = a.rows();
    double[] columns = b.columns();
    double[] out = new double[n * stride];
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      int x0 = i * d;
      int x1 = x0 + d;
      int x2 = x1 + d;
      int x3 = x2 + d;
      for (int j = 0; j < stride; j += 2 * lanes) {
        DoubleVector a0 = DoubleVector.zero(SPECIES);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        DoubleVector b0 = a0;
        DoubleVector b1 = a0;
        DoubleVector b2 = a0;
        DoubleVector b3 = a0;
        for (int c = 0; c < d; c++) {
          int at = c * stride + j;
          DoubleVector p = DoubleVector.fromArray(SPECIES, columns, at);
          DoubleVector q = DoubleVector.fromArray(SPECIES, columns, at + lanes);
          double u0 = x[x0 + c];
          double u1 = x[x1 + c];
          double u2 = x[x2 + c];
          double u3 = x[x3 + c];
          a0 = a0.add(p.mul(u0));
          a1 = a1.add(p.mul(u1));
          a2 = a2.add(p.mul(u2));
          a3 = a3.add(p.mul(u3));
          b0 = b0.add(q.mul(u0));
          b1 = b1.add(q.mul(u1));
          b2 = b2.add(q.mul(u2));
          b3 = b3.add(q.mul(u3));
        }
        int r = i * stride + j;
        a0.intoArray(out, r);
        b0.intoArray(out, r + lanes);
        a1.intoArray(out, r + stride);
        b1.intoArray(out, r + stride + lanes);
        a2.intoArray(out, r + 2 * stride);
        b2.intoArray(out, r + 2 * stride + lanes);
        a3.intoArray(out, r + 3 * stride);
        b3.intoArray(out, r + 3 * stride + lanes);
      }
    }
    for (; i < n; i++) {
      int row = i * stride;
      for (int j = 0; j < stride; j += lanes) {
        DoubleVector s = DoubleVector.zero(SPECIES);
        for (int c = 0; c < d; c++) {
          s = s.add(DoubleVector.fromArray(SPECIES, columns, c * stride + j).mul(x[i * d + c]));
        }
        s.intoArray(out, row + j);
      }
    }
    return out;
  }
}
