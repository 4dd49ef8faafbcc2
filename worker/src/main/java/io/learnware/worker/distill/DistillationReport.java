package io.learnware.worker.distill;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The report of a distillation (contract names first, then details). All measures are taken on the
 * held-out part of the transfer set, which the student never trained on.
 *
 * @param fidelity the fraction of held-out rows where the student's top class is the teacher's
 * @param accuracy the student's accuracy on the held-out rows' labels; {@code null} without labels
 * @param teacherAccuracy the teacher's accuracy on the same rows; {@code null} without labels
 * @param kl mean {@code KL(softmax(teacher/T) ‖ softmax(student/T))} in nats
 * @param parameterRatio student parameters / teacher parameters; {@code null} when the teacher's
 *     parameters cannot be counted (an ONNX graph whose weights are {@code Constant} nodes)
 * @param sizeRatio student artifact bytes / teacher artifact bytes
 * @param latencyRatio student / teacher inference time per sample
 * @param history one entry per epoch (per boosting round for tree students)
 * @param student the student's {@code model.architecture}
 * @param dataFree whether the transfer set was herded from the teacher's RKME
 * @param alpha the weight the soft term had: 1 without labels and for tree students
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DistillationReport(
    double fidelity,
    Double accuracy,
    Double teacherAccuracy,
    double kl,
    Double parameterRatio,
    double sizeRatio,
    double latencyRatio,
    List<Epoch> history,
    JsonNode student,
    boolean dataFree,
    double temperature,
    double alpha,
    int trainRows,
    int heldOutRows,
    long studentParameters,
    Long teacherParameters,
    long studentBytes,
    long teacherBytes,
    double studentMicrosPerSample,
    double teacherMicrosPerSample) {

  public DistillationReport {
    history = List.copyOf(history);
  }

  /**
   * One epoch of training.
   *
   * @param loss the mean training objective over the epoch's batches: for networks {@code α·T²·KL +
   *     (1 − α)·CE} (the KL term at temperature T, the cross-entropy on labels at 1); for trees the
   *     mean squared error of the fitted logits
   * @param heldOutLoss the same objective on the held-out rows after the epoch
   */
  public record Epoch(int epoch, double loss, double heldOutLoss) {}
}
