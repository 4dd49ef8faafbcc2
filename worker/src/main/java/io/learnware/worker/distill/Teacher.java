package io.learnware.worker.distill;

import io.learnware.worker.model.InputShape;

/**
 * The model being distilled, seen as a function from input rows to logits. Distillation only needs
 * its outputs; the counts feed the report's ratios.
 */
public interface Teacher extends AutoCloseable {

  /** Numbers per input row. */
  int inputDimension();

  /**
   * One sample's shape; rows are flattened to {@link #inputDimension()} numbers in this shape's
   * order. Table teachers by default.
   */
  default InputShape inputShape() {
    return InputShape.table(inputDimension());
  }

  /** Logits per row, one per class. */
  int outputDimension();

  /**
   * Logits for {@code rows} inputs.
   *
   * @param inputs {@code rows × inputDimension()} numbers, row after row
   * @return {@code rows × outputDimension()} logits, row after row
   */
  float[] logits(float[] inputs, int rows);

  /** How many trainable numbers the model holds. */
  long parameterCount();

  /** The size of the model's artifact in bytes. */
  long artifactBytes();

  @Override
  void close();
}
