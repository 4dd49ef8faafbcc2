package io.learnware.worker.distill;

/**
 * Softmax at a temperature and the measures the report is made of, computed on plain arrays: they
 * run once per epoch on the held-out rows, where a JNI round trip per operation would cost more.
 */
final class SoftTargets {

  private SoftTargets() {}

  /** {@code softmax(logits / temperature)} row by row. */
  static double[] softmax(float[] logits, int classes, double temperature) {
    double[] p = new double[logits.length];
    for (int offset = 0; offset < logits.length; offset += classes) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, logits[offset + c] / temperature);
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        double e = Math.exp(logits[offset + c] / temperature - max);
        p[offset + c] = e;
        sum += e;
      }
      for (int c = 0; c < classes; c++) {
        p[offset + c] /= sum;
      }
    }
    return p;
  }

  /** The index of the largest logit of every row (the first one on ties). */
  static int[] argmax(float[] logits, int classes) {
    int[] out = new int[logits.length / classes];
    for (int row = 0; row < out.length; row++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (logits[row * classes + c] > logits[row * classes + best]) {
          best = c;
        }
      }
      out[row] = best;
    }
    return out;
  }

  /** The fraction of rows where {@code a} and {@code b} agree. */
  static double agreement(int[] a, int[] b) {
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] == b[i]) {
        same++;
      }
    }
    return (double) same / a.length;
  }

  /** Mean over rows of {@code KL(softmax(teacher/T) ‖ softmax(student/T))}, in nats. */
  static double meanKl(float[] teacher, float[] student, int classes, double temperature) {
    double[] p = softmax(teacher, classes, temperature);
    double[] q = softmax(student, classes, temperature);
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] > 0) {
        // q underflows to 0 only for a hopeless student; cap the term rather than return infinity.
        sum += p[i] * (Math.log(p[i]) - Math.log(Math.max(q[i], Double.MIN_NORMAL)));
      }
    }
    return sum / (p.length / classes);
  }

  /** Mean cross-entropy {@code −log softmax(logits)[label]} over rows. */
  static double meanCrossEntropy(float[] logits, int[] labels, int classes) {
    double[] q = softmax(logits, classes, 1);
    double sum = 0;
    for (int row = 0; row < labels.length; row++) {
      sum -= Math.log(Math.max(q[row * classes + labels[row]], Double.MIN_NORMAL));
    }
    return sum / labels.length;
  }
}
