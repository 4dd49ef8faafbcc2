package io.learnware.worker.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Hinton et al.'s distillation objective for one batch, with the per-row weights folded into the
 * targets beforehand (on the Java side, where it costs nothing) so that the graph is as short as
 * possible:
 *
 * <pre>
 *   loss = Σ soft ⊙ log softmax(logits / T)  [+ Σ hard ⊙ log softmax(logits)]
 *   soft = −α·T²/B · softmax(teacher / T),   hard = −(1 − α)/B · onehot(label)
 * </pre>
 *
 * The soft term is the cross-entropy with the teacher's soft targets; it differs from {@code α·T²}
 * times the mean KL divergence by the teacher's entropy, a constant the caller adds to the reported
 * value. T² keeps the soft gradients' scale independent of T (Hinton et al. 2015, section 2).
 */
final class DistillationLoss extends Loss {

  private final float temperature;

  DistillationLoss(float temperature) {
    super("distillation");
    this.temperature = temperature;
  }

  /**
   * @param targets the weighted soft targets and, when there are labels, the weighted one-hot
   *     labels, each {@code B × classes}
   * @param predictions the student's logits, {@code B × classes}
   */
  @Override
  public NDArray evaluate(NDList targets, NDList predictions) {
    NDArray logits = predictions.singletonOrThrow();
    NDArray loss = logits.div(temperature).logSoftmax(1).mul(targets.get(0)).sum();
    if (targets.size() > 1) {
      loss = loss.add(logits.logSoftmax(1).mul(targets.get(1)).sum());
    }
    return loss;
  }
}
