package io.learnware.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A model as a function gradients flow through ({@link RunnableModel#differentiable()}): layers in
 * evaluation mode (dropout off, batch norm on its running statistics), the graph recorded, so that
 * a {@code GradientCollector} can take ∇ₓ of a loss of the outputs.
 */
public interface Differentiable {

  /** A scope on the model's device for one batch's arrays; close it when the batch is done. */
  NDManager newBatchManager();

  /**
   * The outputs of one batch, recorded for backward.
   *
   * @param input {@code [n, …dims]}, in a scope of {@link #newBatchManager()}
   * @return float32 {@code [n, k]}, in the input's scope
   * @throws ModelException when the model fails on the input or returns another shape
   */
  NDArray forward(NDArray input) throws ModelException;
}
