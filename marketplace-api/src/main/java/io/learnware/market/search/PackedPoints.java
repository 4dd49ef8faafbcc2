package io.learnware.market.search;

import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;

/**
 * A stored RKME laid out for {@link VectorKernel}: points padded to a whole number of tiles of
 * {@code tile} points, and each tile's coordinates column-major (coordinate {@code c} of point
 * {@code j} at {@link #offset}{@code (j) + c·tile}), so that one load gives the same coordinate of
 * consecutive points. Padding points have weight 0 and add nothing.
 *
 * <p>Tiles rather than whole columns: the kernels take one tile at a time through every coordinate,
 * and within a tile those loads are consecutive in memory, so a candidate's points are read front
 * to back once, as the hardware prefetches best, instead of in {@code dimension} strided passes
 * that miss the cache line after line when the points are not in cache yet.
 *
 * <p>The stored points are float32 already ({@link VersionRkme}), so this layout loses nothing:
 * {@link #rkme()} gives back exactly the embedding a full scan reads.
 *
 * @param tile points per tile: twice the vector lanes (1 without the vector module)
 * @param columns coordinates, {@code dimension × stride}
 * @param norms squared norms of the points (rounded from double)
 * @param floatWeights the weights rounded to float
 * @param weights the weights as stored
 * @param maxNorm the largest squared norm, for the error bound
 */
record PackedPoints(
    double gamma,
    int points,
    int dimension,
    int stride,
    int tile,
    float[] columns,
    float[] norms,
    float[] floatWeights,
    double[] weights,
    double squaredNorm,
    double maxNorm) {

  /** Packs an embedding whose points are float32 values, in tiles of {@code pad} points. */
  static PackedPoints of(Rkme rkme, int pad) {
    int k = rkme.size();
    int d = rkme.dimension();
    int stride = stride(k, pad);
    double[] z = rkme.points().data();
    float[] columns = new float[d * stride];
    float[] norms = new float[stride];
    float[] floatWeights = new float[stride];
    double[] weights = rkme.weights();
    double maxNorm = 0;
    for (int j = 0; j < k; j++) {
      double norm = 0;
      int at = offset(j, d, pad);
      for (int c = 0; c < d; c++) {
        double value = z[j * d + c];
        columns[at + c * pad] = (float) value;
        norm += value * value;
      }
      norms[j] = (float) norm;
      floatWeights[j] = (float) weights[j];
      maxNorm = Math.max(maxNorm, norm);
    }
    return new PackedPoints(
        rkme.gamma(),
        k,
        d,
        stride,
        pad,
        columns,
        norms,
        floatWeights,
        weights,
        rkme.squaredNorm(),
        maxNorm);
  }

  /** The embedding as a full scan reads it: same points, weights and stored squared norm. */
  Rkme rkme() {
    double[] z = new double[points * dimension];
    for (int j = 0; j < points; j++) {
      int at = offset(j);
      for (int c = 0; c < dimension; c++) {
        z[j * dimension + c] = columns[at + c * tile];
      }
    }
    return Rkme.stored(gamma, 0, new Matrix(points, dimension, z), weights, squaredNorm);
  }

  /** Where point {@code j}'s first coordinate is in {@link #columns}. */
  int offset(int j) {
    return offset(j, dimension, tile);
  }

  private static int offset(int j, int dimension, int tile) {
    int first = j - j % tile;
    return first * dimension + j - first;
  }

  /** Bytes held, roughly, for the cache's budget. */
  long bytes() {
    return bytes(points, dimension, stride);
  }

  /** What {@link #bytes()} will be for an embedding of that shape, before packing it. */
  static long bytes(int points, int dimension, int stride) {
    return 64L + 4L * dimension * stride + 8L * stride + 8L * points;
  }

  /** Points rounded up to a whole multiple of {@code pad}. */
  static int stride(int points, int pad) {
    return (points + pad - 1) / pad * pad;
  }
}
