package io.learnware.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.FloatBuffer;
import java.util.function.UnaryOperator;

/** Inference over many rows in chunks, each in a scope closed before the next. */
public final class Batches {

  private Batches() {}

  /**
   * Runs {@code forward} on chunks of at most {@code chunkRows} rows.
   *
   * @param inputs {@code rows × input.size()} numbers, row after row
   * @param outputs numbers per row that {@code forward} returns
   * @return {@code rows × outputs} numbers, row after row
   */
  public static float[] forward(
      NDManager parent,
      float[] inputs,
      int rows,
      InputShape input,
      int outputs,
      int chunkRows,
      UnaryOperator<NDArray> forward) {
    int d = input.size();
    if (inputs.length != rows * d) {
      throw new IllegalArgumentException(
          "%d numbers are not %d rows of %d inputs".formatted(inputs.length, rows, d));
    }
    float[] out = new float[rows * outputs];
    for (int start = 0; start < rows; start += chunkRows) {
      int n = Math.min(chunkRows, rows - start);
      try (NDManager scope = parent.newSubManager()) {
        NDArray x = scope.create(FloatBuffer.wrap(inputs, start * d, n * d), input.batch(n));
        float[] chunk = forward.apply(x).toFloatArray();
        if (chunk.length != n * outputs) {
          throw new IllegalStateException(
              "%d numbers for %d rows of %d outputs".formatted(chunk.length, n, outputs));
        }
        System.arraycopy(chunk, 0, out, start * outputs, chunk.length);
      }
    }
    return out;
  }
}
