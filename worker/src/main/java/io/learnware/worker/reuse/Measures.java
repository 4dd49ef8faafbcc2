package io.learnware.worker.reuse;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.reuse.ProbabilisticClassifier;
import java.util.Arrays;

/**
 * What the reuse report says about one learnware or combination: its outputs on the job's rows
 * summarised and, with labels, measured. The figures are those of the {@code evaluate} job
 * (docs/evaluate.md), computed the same way, so that a published ensemble's evaluation on the same
 * rows repeats them.
 */
final class Measures {

  private Measures() {}

  /**
   * A classifier's {@code accuracy} (with labels) and {@code predicted}: how many rows went to each
   * class.
   *
   * @param scores per row, a score per class whose largest is the prediction (probabilities, logits
   *     or log-probabilities)
   * @param labels class indices, or null when the data set has none
   */
  static void classifier(ObjectNode entry, double[][] scores, int[] labels, int classes) {
    if (labels != null) {
      entry.put("accuracy", ProbabilisticClassifier.accuracy(scores, labels));
    }
    int[] counts = new int[classes];
    for (int predicted : ProbabilisticClassifier.argmax(scores)) {
      counts[predicted]++;
    }
    ArrayNode predicted = entry.putArray("predicted");
    for (int count : counts) {
      predicted.add(count);
    }
  }

  /**
   * A regressor's {@code mae}, {@code rmse} and {@code r2} (with targets, single output; {@code r2}
   * about the rows' own mean, null when every target is the same) and {@code predicted}: per
   * output, the mean, standard deviation, minimum and maximum of its values over the rows.
   *
   * @param targets one per row, or null when the data set has none
   */
  static void regressor(ObjectNode entry, double[][] outputs, double[] targets) {
    if (targets != null) {
      int n = targets.length;
      double absolute = 0;
      double squared = 0;
      double mean = Arrays.stream(targets).average().orElseThrow();
      double total = 0;
      for (int i = 0; i < n; i++) {
        double r = targets[i] - outputs[i][0];
        absolute += Math.abs(r);
        squared += r * r;
        total += (targets[i] - mean) * (targets[i] - mean);
      }
      entry.put("mae", absolute / n);
      entry.put("rmse", Math.sqrt(squared / n));
      if (total > 0) {
        entry.put("r2", 1 - squared / total);
      } else {
        entry.putNull("r2");
      }
    }
    ArrayNode predicted = entry.putArray("predicted");
    int k = outputs.length == 0 ? 0 : outputs[0].length;
    for (int c = 0; c < k; c++) {
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double[] row : outputs) {
        sum += row[c];
        min = Math.min(min, row[c]);
        max = Math.max(max, row[c]);
      }
      double mean = sum / outputs.length;
      double spread = 0;
      for (double[] row : outputs) {
        spread += (row[c] - mean) * (row[c] - mean);
      }
      predicted
          .addObject()
          .put("mean", mean)
          .put("std", Math.sqrt(spread / outputs.length))
          .put("min", min)
          .put("max", max);
    }
  }
}
