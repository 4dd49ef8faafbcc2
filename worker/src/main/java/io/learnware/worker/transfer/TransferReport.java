package io.learnware.worker.transfer;

import java.util.List;

/**
 * What a transfer measured (the contract's {@code accuracy}, {@code baselineAccuracy} and {@code
 * history}, and how they came about). Accuracies are on the validation rows, which neither head
 * trained on; each is its best epoch's, the epoch whose model was kept.
 *
 * @param accuracy the transferred model's validation accuracy
 * @param baselineAccuracy the same head trained on raw inputs (no backbone)
 * @param gain {@code accuracy − baselineAccuracy}: what the backbone bought
 * @param classes the new task's labels, in output order
 * @param head the head, e.g. {@code linear head}
 * @param freezeBackbone whether the backbone stayed as it was (else it was fine-tuned)
 * @param learningRate the head's Adam step
 * @param backboneLearningRate the backbone's step when fine-tuned, else {@code null}
 * @param trainRows rows the heads trained on
 * @param validationRows rows held out to measure them
 * @param featureDimension features per sample from the backbone
 * @param trainableParameters numbers the transfer trained (the head's, plus the backbone's when
 *     fine-tuned)
 * @param bestEpoch the kept epoch of the transfer
 * @param baselineBestEpoch the kept epoch of the baseline
 * @param stoppedEarly whether the transfer's validation accuracy stopped improving before the last
 *     epoch
 * @param history the transfer's epochs
 * @param baselineHistory the baseline's epochs
 */
public record TransferReport(
    double accuracy,
    double baselineAccuracy,
    double gain,
    List<String> classes,
    String head,
    boolean freezeBackbone,
    double learningRate,
    Double backboneLearningRate,
    int trainRows,
    int validationRows,
    int featureDimension,
    long trainableParameters,
    int bestEpoch,
    int baselineBestEpoch,
    boolean stoppedEarly,
    List<Epoch> history,
    List<Epoch> baselineHistory) {

  /** One epoch: mean training loss and validation accuracy after it. */
  public record Epoch(int epoch, double loss, double validationAccuracy) {}
}
