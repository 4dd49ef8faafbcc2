package io.learnware.worker.transfer;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import java.util.Set;

/**
 * Fine-tuning's optimiser: the backbone's parameters take one optimiser's steps (a smaller learning
 * rate), the head's another's, so that the head can learn fast without wrecking features the
 * backbone already has.
 */
final class SplitOptimizer extends Optimizer {

  private final Set<String> backboneIds;
  private final Optimizer backbone;
  private final Optimizer head;

  SplitOptimizer(Set<String> backboneIds, Optimizer backbone, Optimizer head) {
    super(new Builder());
    this.backboneIds = Set.copyOf(backboneIds);
    this.backbone = backbone;
    this.head = head;
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    (backboneIds.contains(parameterId) ? backbone : head).update(parameterId, weight, grad);
  }

  /** Optimizer's constructor takes a builder; the delegates carry the real settings. */
  private static final class Builder extends OptimizerBuilder<Builder> {
    @Override
    protected Builder self() {
      return this;
    }
  }
}
