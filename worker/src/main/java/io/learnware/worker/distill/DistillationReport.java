package io.learnware.worker.distill;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.Task;
import io.learnware.worker.job.RegressionMetrics;
import java.util.List;

/**
 * The report of a distillation (contract names first, then details). All measures are taken on the
 * held-out part of the transfer set, which the student never trained on. A classifier's report has
 * {@code fidelity}, {@code kl} and, with labels, accuracies; a regressor's has {@code vsTeacher}
 * and, with targets, {@code vsTarget} and {@code teacherVsTarget} instead. Absent fields are left
 * out.
 *
 * @param fidelity the fraction of held-out rows where the student's top class is the teacher's
 * @param accuracy the student's accuracy on the held-out rows' labels; {@code null} without labels
 * @param teacherAccuracy the teacher's accuracy on the same rows; {@code null} without labels
 * @param kl mean {@code KL(softmax(teacher/T) ‖ softmax(student/T))} in nats
 * @param vsTeacher a regressor's student against the teacher's outputs: MAE, RMSE, R²
 * @param vsTarget a regressor's student against the data set's targets, when it has them
 * @param teacherVsTarget the teacher against the same targets
 * @param parameterRatio student parameters / teacher parameters; {@code null} when the teacher's
 *     parameters cannot be counted (an ONNX graph whose weights are {@code Constant} nodes)
 * @param sizeRatio student artifact bytes / teacher artifact bytes
 * @param latencyRatio student / teacher inference time per sample
 * @param history one entry per epoch (per boosting round for tree students)
 * @param student the student's {@code model.architecture}
 * @param task the teacher's: {@code classification} or {@code regression}
 * @param dataFree whether the transfer set was herded from the teacher's RKME
 * @param temperature T of the soft targets (classifiers)
 * @param alpha the weight the soft term had (classifiers): 1 without labels and for tree students
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DistillationReport(
    Double fidelity,
    Double accuracy,
    Double teacherAccuracy,
    Double kl,
    RegressionMetrics vsTeacher,
    RegressionMetrics vsTarget,
    RegressionMetrics teacherVsTarget,
    Double parameterRatio,
    double sizeRatio,
    double latencyRatio,
    List<Epoch> history,
    JsonNode student,
    Task task,
    boolean dataFree,
    Double temperature,
    Double alpha,
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
   * @param loss the mean training objective over the epoch's batches: for a classifier's networks
   *     {@code α·T²·KL + (1 − α)·CE} (the KL term at temperature T, the cross-entropy on labels at
   *     1); for trees the mean squared error of the fitted logits; for a regressor's students the
   *     mean squared error against the teacher's outputs, in their units
   * @param heldOutLoss the same objective on the held-out rows after the epoch
   */
  public record Epoch(int epoch, double loss, double heldOutLoss) {}
}
