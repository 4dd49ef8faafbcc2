package io.learnware.worker.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How close a regressor's outputs are to reference values (a data set's targets, or a teacher's
 * outputs), as scikit-learn's {@code mean_absolute_error}, {@code root_mean_squared_error} and
 * {@code r2_score} compute them. With several outputs MAE and RMSE run over every number and R² is
 * the mean of the outputs' R² (scikit-learn's {@code uniform_average}). The one implementation of
 * these figures: evaluation, robustness, distillation and transfer reports all use it.
 *
 * @param r2 {@code 1 − SS_res / SS_tot}, the total about the reference values' own mean; {@code
 *     null} when an output's reference values are all the same (no variance to explain)
 */
public record RegressionMetrics(
    double mae, double rmse, @JsonInclude(JsonInclude.Include.ALWAYS) Double r2) {

  /**
   * @param predicted {@code rows × outputs} numbers, row after row
   * @param reference as many, in the same order
   */
  public static RegressionMetrics of(float[] predicted, float[] reference, int outputs) {
    double[] r = new double[reference.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = reference[i];
    }
    return of(predicted, r, outputs);
  }

  /**
   * A single-output regressor's figures.
   *
   * @param outputs one prediction per row ({@code [n, 1]}, as a model's {@code predict} gives them)
   * @param targets each row's target
   */
  public static RegressionMetrics of(float[][] outputs, double[] targets) {
    float[] predicted = new float[outputs.length];
    for (int i = 0; i < predicted.length; i++) {
      predicted[i] = outputs[i][0];
    }
    return of(predicted, targets, 1);
  }

  /**
   * @param predicted {@code rows × outputs} numbers, row after row
   * @param reference as many, in the same order
   */
  public static RegressionMetrics of(float[] predicted, double[] reference, int outputs) {
    if (predicted.length != reference.length || outputs < 1 || reference.length % outputs != 0) {
      throw new IllegalArgumentException(
          "%d predictions for %d reference values of %d outputs"
              .formatted(predicted.length, reference.length, outputs));
    }
    int rows = reference.length / outputs;
    if (rows == 0) {
      throw new IllegalArgumentException("no rows to measure");
    }
    double absolute = 0;
    double squares = 0;
    double r2 = 0;
    boolean defined = true;
    for (int c = 0; c < outputs; c++) {
      double mean = 0;
      for (int row = 0; row < rows; row++) {
        mean += reference[row * outputs + c];
      }
      mean /= rows;
      double residual = 0;
      double total = 0;
      for (int row = 0; row < rows; row++) {
        double y = reference[row * outputs + c];
        double e = y - predicted[row * outputs + c];
        absolute += Math.abs(e);
        residual += e * e;
        total += (y - mean) * (y - mean);
      }
      squares += residual;
      defined &= total > 0;
      r2 += total > 0 ? 1 - residual / total : 0;
    }
    return new RegressionMetrics(
        absolute / reference.length,
        Math.sqrt(squares / reference.length),
        defined ? r2 / outputs : null);
  }

  /**
   * Writes {@code mae}, {@code rmse} and {@code r2} (JSON null when undefined) into {@code node},
   * for reports built as JSON trees.
   */
  public ObjectNode putInto(ObjectNode node) {
    node.put("mae", mae).put("rmse", rmse);
    if (r2 == null) {
      node.putNull("r2");
    } else {
      node.put("r2", r2);
    }
    return node;
  }
}
