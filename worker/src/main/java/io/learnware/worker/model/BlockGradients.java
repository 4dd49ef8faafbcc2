package io.learnware.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Arrays;

/**
 * {@link Differentiable} for a DJL block on the PyTorch engine: a TorchScript module, a network the
 * market built, or a sequence of both (a transferred model with a TorchScript backbone).
 *
 * <p>A TorchScript module run with {@code training=false} runs under {@code c10::InferenceMode},
 * which records nothing; so modules are put in eval mode once and run with {@code IValueUtils
 * .forward(module, inputs, true)} (design.md). DJL's own blocks record whenever an input requires a
 * gradient, so they run as for inference.
 */
public final class BlockGradients implements Differentiable {

  private final NDManager manager;
  private final Block block;
  private final ParameterStore parameterStore;
  private final InputShape inputShape;

  /**
   * @param manager the manager holding the block's parameters; batches get sub-managers of it
   */
  public BlockGradients(NDManager manager, Block block, InputShape inputShape) {
    this.manager = manager;
    this.block = block;
    this.parameterStore = new ParameterStore(manager, false);
    this.inputShape = inputShape;
    evalMode(block);
  }

  private static void evalMode(Block block) {
    if (block instanceof PtSymbolBlock module) {
      JniUtils.enableInferenceMode(module);
    }
    for (Pair<String, Block> child : block.getChildren()) {
      evalMode(child.getValue());
    }
  }

  @Override
  public NDManager newBatchManager() {
    return manager.newSubManager();
  }

  @Override
  public NDArray forward(NDArray input) throws ModelException {
    NDList outputs;
    try {
      outputs = forward(block, new NDList(input));
    } catch (RuntimeException e) {
      throw new ModelException(
          "the model fails on input of shape %s".formatted(inputShape.describeBatch()),
          EngineMessages.summary(e),
          e);
    }
    return logits(outputs, input.getShape().get(0));
  }

  private NDList forward(Block block, NDList inputs) {
    if (block instanceof PtSymbolBlock module) {
      return IValueUtils.forward(module, inputs, true);
    }
    if (block instanceof SequentialBlock sequence) {
      NDList current = inputs;
      for (Pair<String, Block> child : sequence.getChildren()) {
        current = forward(child.getValue(), current);
      }
      return current;
    }
    return block.forward(parameterStore, inputs, false);
  }

  /**
   * The one {@code [n, k]} tensor a classifier returns for {@code n} samples, as float32.
   *
   * @throws ModelException when there are several tensors or another shape
   */
  static NDArray logits(NDList outputs, long n) throws ModelException {
    if (outputs.size() != 1) {
      throw new ModelException(
          "the model returned %d tensors; expected one tensor of shape [n, k]"
              .formatted(outputs.size()));
    }
    NDArray output = outputs.head();
    Shape shape = output.getShape();
    if (shape.dimension() != 2 || shape.get(0) != n) {
      throw new ModelException(
          "the model returned shape %s for %d samples; expected [%d, k]"
              .formatted(Arrays.toString(shape.getShape()), n, n));
    }
    return output.getDataType() == DataType.FLOAT32
        ? output
        : output.toType(DataType.FLOAT32, false);
  }
}
