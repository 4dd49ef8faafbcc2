package io.learnware.worker.distill;

/**
 * Rows a student learns from or is judged on, with the teacher's outputs for them: a classifier's
 * logits, or a regressor's predictions.
 *
 * @param inputs {@code rows × inputDimension} numbers, row after row
 * @param teacherOutputs {@code rows × outputs} numbers, row after row
 * @param labels a classifier's rows: one class index per row, or {@code null} without labels
 * @param targets a regressor's rows (one output): the data set's target per row, or {@code null}
 */
record TransferSet(
    int rows,
    int inputDimension,
    int outputs,
    float[] inputs,
    float[] teacherOutputs,
    int[] labels,
    double[] targets) {

  TransferSet {
    if (inputs.length != rows * inputDimension || teacherOutputs.length != rows * outputs) {
      throw new IllegalArgumentException("inputs or outputs do not match " + rows + " rows");
    }
    if (labels != null && labels.length != rows || targets != null && targets.length != rows) {
      throw new IllegalArgumentException("need one label or target per row");
    }
  }

  boolean labelled() {
    return labels != null;
  }

  /** The rows at {@code indices}, in that order. */
  TransferSet select(int[] indices) {
    float[] x = new float[indices.length * inputDimension];
    float[] z = new float[indices.length * outputs];
    int[] y = labels == null ? null : new int[indices.length];
    double[] t = targets == null ? null : new double[indices.length];
    for (int i = 0; i < indices.length; i++) {
      int row = indices[i];
      System.arraycopy(inputs, row * inputDimension, x, i * inputDimension, inputDimension);
      System.arraycopy(teacherOutputs, row * outputs, z, i * outputs, outputs);
      if (y != null) {
        y[i] = labels[row];
      }
      if (t != null) {
        t[i] = targets[row];
      }
    }
    return new TransferSet(indices.length, inputDimension, outputs, x, z, y, t);
  }
}
