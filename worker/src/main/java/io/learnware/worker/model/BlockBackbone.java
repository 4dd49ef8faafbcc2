package io.learnware.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The front of a loaded DJL network as a {@link Backbone}: a network the market built without its
 * last layer, or a transferred model's backbone. It shares the network's parameters.
 */
public final class BlockBackbone implements Backbone {

  private static final int INFERENCE_ROWS = 1024;

  private final NDManager manager;
  private final Block block;
  private final ParameterStore parameterStore;
  private final InputShape input;
  private final ObjectNode architecture;
  private final int dimension;

  /**
   * @param manager the manager holding the block's parameters
   * @param architecture how a transferred model rebuilds {@code block}
   */
  public BlockBackbone(NDManager manager, Block block, InputShape input, ObjectNode architecture) {
    this.manager = manager;
    this.block = block;
    this.parameterStore = new ParameterStore(manager, false);
    this.input = input;
    this.architecture = architecture;
    try (NDManager scope = manager.newSubManager()) {
      this.dimension = Math.toIntExact(forward(scope.zeros(input.batch(1))).size());
    }
  }

  private NDArray forward(NDArray x) {
    NDArray out = block.forward(parameterStore, new NDList(x), false).singletonOrThrow();
    return out.reshape(x.getShape().get(0), -1);
  }

  @Override
  public InputShape input() {
    return input;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public Block block() {
    return block;
  }

  @Override
  public float[] features(float[] inputs, int rows) {
    return Batches.forward(manager, inputs, rows, input, dimension, INFERENCE_ROWS, this::forward);
  }

  @Override
  public ObjectNode architecture() {
    return architecture;
  }
}
