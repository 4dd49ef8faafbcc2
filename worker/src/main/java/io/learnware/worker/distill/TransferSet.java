package io.learnware.worker.distill;

/**
 * Rows a student learns from or is judged on, with the teacher's logits for them.
 *
 * @param inputs {@code rows × inputDimension} numbers, row after row
 * @param teacherLogits {@code rows × classes} logits, row after row
 * @param labels one class index per row, or {@code null} when the rows have no labels
 */
record TransferSet(
    int rows,
    int inputDimension,
    int classes,
    float[] inputs,
    float[] teacherLogits,
    int[] labels) {

  TransferSet {
    if (inputs.length != rows * inputDimension || teacherLogits.length != rows * classes) {
      throw new IllegalArgumentException("inputs or logits do not match " + rows + " rows");
    }
    if (labels != null && labels.length != rows) {
      throw new IllegalArgumentException("need one label per row");
    }
  }

  boolean labelled() {
    return labels != null;
  }

  /** The rows at {@code indices}, in that order. */
  TransferSet select(int[] indices) {
    float[] x = new float[indices.length * inputDimension];
    float[] z = new float[indices.length * classes];
    int[] y = labels == null ? null : new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      int row = indices[i];
      System.arraycopy(inputs, row * inputDimension, x, i * inputDimension, inputDimension);
      System.arraycopy(teacherLogits, row * classes, z, i * classes, classes);
      if (y != null) {
        y[i] = labels[row];
      }
    }
    return new TransferSet(indices.length, inputDimension, classes, x, z, y);
  }
}
