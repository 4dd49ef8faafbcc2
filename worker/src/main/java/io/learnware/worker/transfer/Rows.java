package io.learnware.worker.transfer;

/**
 * Labelled rows in memory: {@code count × width} numbers, row after row, and one class index each.
 */
record Rows(float[] x, int[] y, int width) {

  int count() {
    return y.length;
  }

  /** The rows at {@code indices}, in that order. */
  Rows select(int[] indices) {
    float[] xs = new float[indices.length * width];
    int[] ys = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(x, indices[i] * width, xs, i * width, width);
      ys[i] = y[indices[i]];
    }
    return new Rows(xs, ys, width);
  }

  /** The same labels with other inputs of {@code newWidth} numbers per row (e.g. features). */
  Rows withInputs(float[] inputs, int newWidth) {
    return new Rows(inputs, y, newWidth);
  }
}
