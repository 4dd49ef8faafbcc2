package io.learnware.worker.transfer;

/**
 * Rows in memory: {@code count × width} numbers, row after row, and one value each to learn: a
 * class index, or a regressor's (standardised) target.
 */
record Rows(float[] x, float[] y, int width) {

  /** Rows with class indices. */
  static Rows classes(float[] x, int[] labels, int width) {
    float[] y = new float[labels.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = labels[i];
    }
    return new Rows(x, y, width);
  }

  int count() {
    return y.length;
  }

  /** The rows at {@code indices}, in that order. */
  Rows select(int[] indices) {
    float[] xs = new float[indices.length * width];
    float[] ys = new float[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(x, indices[i] * width, xs, i * width, width);
      ys[i] = y[indices[i]];
    }
    return new Rows(xs, ys, width);
  }

  /** The same values to learn with other inputs of {@code newWidth} numbers per row. */
  Rows withInputs(float[] inputs, int newWidth) {
    return new Rows(inputs, y, newWidth);
  }
}
