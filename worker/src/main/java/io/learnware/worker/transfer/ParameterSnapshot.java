package io.learnware.worker.transfer;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * The values of a block's parameters at one moment (e.g. the best epoch's), kept on the Java side
 * to be put back later into the same arrays.
 */
final class ParameterSnapshot {

  private final List<Parameter> parameters;
  private float[][] values;

  ParameterSnapshot(Block block) {
    this.parameters = block.getParameters().values();
  }

  /** Copies the parameters' current values. */
  void take() {
    float[][] copy = new float[parameters.size()][];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = parameters.get(i).getArray().toFloatArray();
    }
    values = copy;
  }

  /**
   * Puts the values {@link #take} copied back into the parameters.
   *
   * @throws IllegalStateException if none were taken
   */
  void restore() {
    if (values == null) {
      throw new IllegalStateException("no snapshot was taken");
    }
    for (int i = 0; i < values.length; i++) {
      NDArray array = parameters.get(i).getArray();
      array.set(FloatBuffer.wrap(values[i]));
    }
  }
}
