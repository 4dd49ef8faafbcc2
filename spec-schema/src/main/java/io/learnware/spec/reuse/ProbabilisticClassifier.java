package io.learnware.spec.reuse;

import io.learnware.spec.rkme.Matrix;

/**
 * A classifier that gives class probabilities: a loaded learnware, or a combination of several.
 * Implementations by engine (DJL, a worker's loaded model) live where the engine is.
 */
@FunctionalInterface
public interface ProbabilisticClassifier {

  /**
   * @param rows one input per row, on the model's scale
   * @return per row, probabilities over the classes (non-negative, summing to 1)
   */
  double[][] probabilities(Matrix rows) throws Exception;

  /** The most probable class of each row (the lowest index among ties). */
  default int[] predict(Matrix rows) throws Exception {
    return argmax(probabilities(rows));
  }

  /** The index of each row's largest entry (the lowest among ties). */
  static int[] argmax(double[][] rows) {
    int[] out = new int[rows.length];
    for (int r = 0; r < rows.length; r++) {
      int best = 0;
      for (int c = 1; c < rows[r].length; c++) {
        if (rows[r][c] > rows[r][best]) {
          best = c;
        }
      }
      out[r] = best;
    }
    return out;
  }

  /** The share of rows whose most probable class is the label. */
  static double accuracy(double[][] probabilities, int[] labels) {
    if (probabilities.length != labels.length) {
      throw new IllegalArgumentException(
          probabilities.length + " predictions for " + labels.length + " labels");
    }
    int[] predicted = argmax(probabilities);
    int correct = 0;
    for (int r = 0; r < labels.length; r++) {
      correct += predicted[r] == labels[r] ? 1 : 0;
    }
    return labels.length == 0 ? 0 : correct / (double) labels.length;
  }
}
