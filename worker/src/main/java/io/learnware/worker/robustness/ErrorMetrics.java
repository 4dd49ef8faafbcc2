package io.learnware.worker.robustness;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A regressor's errors on rows with numeric targets, as scikit-learn's metrics compute them: the
 * mean absolute error, the root of the mean squared error, and R² = 1 − SS_res / SS_tot about the
 * targets' own mean ({@code null} when every target is the same).
 */
record ErrorMetrics(double mae, double rmse, Double r2) {

  /**
   * @param outputs one prediction per row ({@code [n, 1]})
   * @param targets each row's target, at least one
   */
  static ErrorMetrics of(float[][] outputs, double[] targets) {
    int n = targets.length;
    if (n == 0 || outputs.length != n) {
      throw new IllegalArgumentException(
          "%d predictions for %d targets".formatted(outputs.length, n));
    }
    double sum = 0;
    for (double target : targets) {
      sum += target;
    }
    double mean = sum / n;
    double absolute = 0;
    double squared = 0;
    double total = 0;
    for (int i = 0; i < n; i++) {
      double error = targets[i] - (double) outputs[i][0];
      absolute += Math.abs(error);
      squared += error * error;
      total += (targets[i] - mean) * (targets[i] - mean);
    }
    return new ErrorMetrics(
        absolute / n, Math.sqrt(squared / n), total > 0 ? 1 - squared / total : null);
  }

  /**
   * Writes {@code mae}, {@code rmse} and {@code r2} (JSON null when undefined) into {@code node}.
   */
  ObjectNode putInto(ObjectNode node) {
    node.put("mae", mae).put("rmse", rmse);
    if (r2 == null) {
      node.putNull("r2");
    } else {
      node.put("r2", r2);
    }
    return node;
  }
}
