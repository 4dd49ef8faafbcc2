package io.learnware.worker.robustness;

import java.util.ArrayList;
import java.util.List;

/**
 * How well a classifier's confidence matches its accuracy: the expected calibration error of Guo et
 * al., <i>On Calibration of Modern Neural Networks</i> (2017).
 */
public final class Calibration {

  private Calibration() {}

  /**
   * One confidence bin of a reliability diagram.
   *
   * @param from the bin's lower end (exclusive, except 0 for the first bin)
   * @param to its upper end (inclusive)
   * @param count samples whose confidence falls in it
   * @param confidence their mean confidence
   * @param accuracy the share of them predicted right
   */
  public record Bin(double from, double to, int count, double confidence, double accuracy) {}

  /**
   * The non-empty bins of a reliability diagram: a sample's confidence is its largest probability,
   * its prediction the first class with that probability, and bin m holds the confidences in
   * ((m−1)/M, m/M] (a confidence of 0 goes to the first bin).
   */
  public static List<Bin> reliability(float[][] probabilities, int[] labels, int bins) {
    if (bins <= 0) {
      throw new IllegalArgumentException("bins must be > 0, got " + bins);
    }
    if (probabilities.length != labels.length || labels.length == 0) {
      throw new IllegalArgumentException(
          "need as many labels as rows, at least one; got %d rows and %d labels"
              .formatted(probabilities.length, labels.length));
    }
    int[] counts = new int[bins];
    double[] correct = new double[bins];
    double[] confidence = new double[bins];
    for (int i = 0; i < labels.length; i++) {
      float[] row = probabilities[i];
      int predicted = 0;
      for (int k = 1; k < row.length; k++) {
        if (row[k] > row[predicted]) {
          predicted = k;
        }
      }
      double top = row[predicted];
      if (!(top >= 0 && top <= 1)) {
        throw new IllegalArgumentException("row %d has confidence %s".formatted(i, top));
      }
      int bin = Math.max(0, (int) Math.ceil(top * bins) - 1);
      counts[bin]++;
      confidence[bin] += top;
      correct[bin] += predicted == labels[i] ? 1 : 0;
    }
    List<Bin> out = new ArrayList<>();
    for (int m = 0; m < bins; m++) {
      if (counts[m] > 0) {
        out.add(
            new Bin(
                (double) m / bins,
                (double) (m + 1) / bins,
                counts[m],
                confidence[m] / counts[m],
                correct[m] / counts[m]));
      }
    }
    return out;
  }

  /** ECE = Σ_m (|B_m|/n)·|acc(B_m) − conf(B_m)| over the bins of {@link #reliability}. */
  public static double expectedCalibrationError(float[][] probabilities, int[] labels, int bins) {
    return expectedCalibrationError(reliability(probabilities, labels, bins), labels.length);
  }

  /** The ECE of bins that hold {@code rows} samples in all. */
  public static double expectedCalibrationError(List<Bin> bins, int rows) {
    double ece = 0;
    for (Bin bin : bins) {
      ece += bin.count() * Math.abs(bin.accuracy() - bin.confidence());
    }
    return ece / rows;
  }

  /** The softmax of every row of logits, computed after subtracting the row's maximum. */
  public static float[][] softmax(float[][] logits) {
    float[][] out = new float[logits.length][];
    for (int i = 0; i < logits.length; i++) {
      float[] row = logits[i];
      double max = Double.NEGATIVE_INFINITY;
      for (float v : row) {
        max = Math.max(max, v);
      }
      double[] exp = new double[row.length];
      double sum = 0;
      for (int k = 0; k < row.length; k++) {
        exp[k] = Math.exp(row[k] - max);
        sum += exp[k];
      }
      out[i] = new float[row.length];
      for (int k = 0; k < row.length; k++) {
        out[i][k] = (float) (exp[k] / sum);
      }
    }
    return out;
  }
}
