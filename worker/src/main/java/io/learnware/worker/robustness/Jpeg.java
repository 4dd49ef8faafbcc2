package io.learnware.worker.robustness;

import io.learnware.spec.rkme.Matrix;

/**
 * Baseline JPEG's lossy step, done on each channel as a grey image: values to 8 bits, 8×8 blocks
 * shifted by −128, a 2-D DCT-II, quantisation by the standard luminance table (ITU T.81 Annex K)
 * scaled for a quality as libjpeg does, and the inverse DCT back to 8 bits. Entropy coding is
 * lossless and left out; so are chroma subsampling and the YCbCr transform (each channel is its own
 * grey image), which keeps the corruption the same for grey and colour images.
 */
final class Jpeg {

  private static final int N = 8;

  /** ITU T.81 Annex K, table K.1: luminance quantisation at quality 50, row-major. */
  private static final int[] LUMINANCE = {
    16, 11, 10, 16, 24, 40, 51, 61, //
    12, 12, 14, 19, 26, 58, 60, 55, //
    14, 13, 16, 24, 40, 57, 69, 56, //
    14, 17, 22, 29, 51, 87, 80, 62, //
    18, 22, 37, 56, 68, 109, 103, 77, //
    24, 35, 55, 64, 81, 104, 113, 92, //
    49, 64, 78, 87, 103, 121, 120, 101, //
    72, 92, 95, 98, 112, 100, 103, 99
  };

  /**
   * COS[u·8 + x] = C(u)/2 · cos((2x + 1)uπ/16), C(0) = 1/√2, else 1: the orthonormal 1-D DCT, so
   * the 2-D transform of a block is F = COS·f·COSᵀ and its inverse f = COSᵀ·F·COS. StrictMath makes
   * the table, and so the output, the same on every JVM.
   */
  private static final double[] COS = new double[N * N];

  static {
    for (int u = 0; u < N; u++) {
      double c = u == 0 ? StrictMath.sqrt(0.5) : 1;
      for (int x = 0; x < N; x++) {
        COS[u * N + x] = c / 2 * StrictMath.cos((2 * x + 1) * u * StrictMath.PI / (2 * N));
      }
    }
  }

  private Jpeg() {}

  /**
   * libjpeg's {@code jpeg_quality_scaling}: quality q scales the table by 5000/q percent below 50
   * and by 200 − 2q percent from 50; entries are rounded and kept in 1..255 (baseline).
   */
  static int[] quantisationTable(int quality) {
    if (quality < 1 || quality > 100) {
      throw new IllegalArgumentException("quality must be 1..100, got " + quality);
    }
    int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
    int[] table = new int[N * N];
    for (int i = 0; i < table.length; i++) {
      table[i] = Math.min(255, Math.max(1, (LUMINANCE[i] * scale + 50) / 100));
    }
    return table;
  }

  static Matrix compress(Matrix images, int channels, int height, int width, int quality) {
    Corruptions.checkShape(images, channels, height, width);
    int[] table = quantisationTable(quality);
    double[] in = images.data();
    double[] out = new double[in.length];
    double[] block = new double[N * N];
    double[] scratch = new double[N * N];
    for (int plane = 0; plane < images.rows() * channels; plane++) {
      int o = plane * height * width;
      for (int top = 0; top < height; top += N) {
        for (int left = 0; left < width; left += N) {
          // A partial block at the right or bottom edge is padded by repeating the edge, as
          // encoders do; the padding is dropped on the way back.
          for (int y = 0; y < N; y++) {
            int row = Math.min(height - 1, top + y);
            for (int x = 0; x < N; x++) {
              int column = Math.min(width - 1, left + x);
              block[y * N + x] = toByte(in[o + row * width + column]) - 128;
            }
          }
          transform(block, scratch, false);
          for (int i = 0; i < block.length; i++) {
            // Rounded half away from zero, as libjpeg's quantiser does.
            double steps = Math.floor(Math.abs(block[i]) / table[i] + 0.5);
            block[i] = Math.copySign(steps * table[i], block[i]);
          }
          transform(block, scratch, true);
          for (int y = 0; y < N && top + y < height; y++) {
            for (int x = 0; x < N && left + x < width; x++) {
              double value = Math.min(255, Math.max(0, Math.round(block[y * N + x] + 128)));
              out[o + (top + y) * width + left + x] = value / 255;
            }
          }
        }
      }
    }
    return new Matrix(images.rows(), images.columns(), out);
  }

  private static long toByte(double value) {
    return Math.round(Noise.clip(value, 0, 1) * 255);
  }

  /**
   * In place: F = COS·f·COSᵀ, or with {@code inverse} f = COSᵀ·F·COS. {@code scratch} holds the
   * product after the first of the two 1-D passes.
   */
  private static void transform(double[] block, double[] scratch, boolean inverse) {
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < N; j++) {
        double sum = 0;
        for (int k = 0; k < N; k++) {
          sum += (inverse ? COS[k * N + i] : COS[i * N + k]) * block[k * N + j];
        }
        scratch[i * N + j] = sum;
      }
    }
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < N; j++) {
        double sum = 0;
        for (int k = 0; k < N; k++) {
          sum += scratch[i * N + k] * (inverse ? COS[k * N + j] : COS[j * N + k]);
        }
        block[i * N + j] = sum;
      }
    }
  }
}
