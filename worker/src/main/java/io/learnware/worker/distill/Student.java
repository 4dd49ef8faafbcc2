package io.learnware.worker.distill;

/** A trained student: logits for input rows, like its {@link Teacher}. */
public interface Student extends AutoCloseable {

  /**
   * Logits for {@code rows} inputs.
   *
   * @param inputs {@code rows × d} numbers, row after row
   * @return {@code rows × outputs} logits, row after row
   */
  float[] logits(float[] inputs, int rows);

  /** Trainable numbers: weights and biases for networks, tree nodes for tree ensembles. */
  long parameterCount();

  @Override
  void close();
}
