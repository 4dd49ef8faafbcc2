package io.learnware.spec.reuse;

import io.learnware.spec.rkme.Matrix;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A small classifier in plain Java for the job selector: standardised inputs, one ReLU hidden layer
 * (or none: softmax regression), softmax output, cross-entropy, Adam on mini-batches of 32.
 * Deterministic for a seed. Routing needs no more than this; keeping it here keeps spec-schema free
 * of an engine, so the client library, the CLI and the worker all route alike.
 */
final class SoftmaxMlp {

  private static final int BATCH = 32;
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private final int inputs;
  private final int hidden;
  private final int outputs;
  private final double[] mean;
  private final double[] scale;

  /** Parameters, flat: [w1 (inputs×hidden), b1 (hidden), w2 (h×outputs), b2 (outputs)]. */
  private final double[] theta;

  private SoftmaxMlp(int inputs, int hidden, int outputs, double[] mean, double[] scale) {
    this.inputs = inputs;
    this.hidden = hidden;
    this.outputs = outputs;
    this.mean = mean;
    this.scale = scale;
    this.theta = new double[parameterCount(inputs, hidden, outputs)];
  }

  /** A router saved with {@link #weights()}. */
  static SoftmaxMlp of(RouterWeights weights) {
    SoftmaxMlp model =
        new SoftmaxMlp(
            weights.inputs(),
            weights.hidden(),
            weights.outputs(),
            weights.mean().clone(),
            weights.scale().clone());
    if (model.theta.length != weights.parameters().length) {
      throw new IllegalArgumentException(
          "a router of %d inputs, %d hidden units and %d outputs has %d parameters, not %d"
              .formatted(
                  weights.inputs(),
                  weights.hidden(),
                  weights.outputs(),
                  model.theta.length,
                  weights.parameters().length));
    }
    System.arraycopy(weights.parameters(), 0, model.theta, 0, model.theta.length);
    return model;
  }

  /** Everything that decides the router's answers, to save and {@link #of load} it again. */
  RouterWeights weights() {
    return new RouterWeights(inputs, hidden, outputs, mean.clone(), scale.clone(), theta.clone());
  }

  /** How many parameters a router of this size has. */
  static int parameterCount(int inputs, int hidden, int outputs) {
    int firstOut = hidden == 0 ? inputs : hidden;
    return (hidden == 0 ? 0 : inputs * hidden + hidden) + firstOut * outputs + outputs;
  }

  static SoftmaxMlp train(
      Matrix x, int[] y, int classes, int hidden, int epochs, double learningRate, long seed) {
    int d = x.columns();
    double[] mean = new double[d];
    double[] scale = new double[d];
    for (int r = 0; r < x.rows(); r++) {
      for (int c = 0; c < d; c++) {
        mean[c] += x.get(r, c) / x.rows();
      }
    }
    for (int r = 0; r < x.rows(); r++) {
      for (int c = 0; c < d; c++) {
        double diff = x.get(r, c) - mean[c];
        scale[c] += diff * diff / x.rows();
      }
    }
    for (int c = 0; c < d; c++) {
      // Constant columns (e.g. always-blank pixels) pass through as zeros.
      scale[c] = scale[c] > 1e-12 ? 1 / Math.sqrt(scale[c]) : 0;
    }
    SoftmaxMlp model = new SoftmaxMlp(d, hidden, classes, mean, scale);
    SplittableRandom random = new SplittableRandom(seed);
    model.initialise(random);

    double[] m = new double[model.theta.length];
    double[] v = new double[model.theta.length];
    double[] grad = new double[model.theta.length];
    int[] order = new int[x.rows()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    long step = 0;
    for (int epoch = 0; epoch < epochs; epoch++) {
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = order[i];
        order[i] = order[j];
        order[j] = swap;
      }
      for (int start = 0; start < order.length; start += BATCH) {
        int end = Math.min(order.length, start + BATCH);
        Arrays.fill(grad, 0);
        for (int k = start; k < end; k++) {
          model.accumulateGradient(x, order[k], y[order[k]], grad, 1.0 / (end - start));
        }
        step++;
        double correction1 = 1 - Math.pow(BETA1, step);
        double correction2 = 1 - Math.pow(BETA2, step);
        for (int p = 0; p < grad.length; p++) {
          m[p] = BETA1 * m[p] + (1 - BETA1) * grad[p];
          v[p] = BETA2 * v[p] + (1 - BETA2) * grad[p] * grad[p];
          model.theta[p] -=
              learningRate * (m[p] / correction1) / (Math.sqrt(v[p] / correction2) + EPSILON);
        }
      }
    }
    return model;
  }

  double[][] probabilities(Matrix rows) {
    if (rows.columns() != inputs) {
      throw new IllegalArgumentException(
          "rows of %d features for a router over %d".formatted(rows.columns(), inputs));
    }
    double[][] out = new double[rows.rows()][];
    double[] in = new double[inputs];
    double[] h = new double[hidden];
    for (int r = 0; r < rows.rows(); r++) {
      out[r] = forward(rows, r, in, h);
    }
    return out;
  }

  private void initialise(SplittableRandom random) {
    // He initialisation for the ReLU layer, Glorot-like for the output layer; biases zero.
    if (hidden > 0) {
      double s1 = Math.sqrt(2.0 / inputs);
      for (int i = 0; i < inputs * hidden; i++) {
        theta[i] = random.nextGaussian() * s1;
      }
    }
    int w2 = w2Offset();
    int fanIn = hidden == 0 ? inputs : hidden;
    double s2 = Math.sqrt(1.0 / fanIn);
    for (int i = 0; i < fanIn * outputs; i++) {
      theta[w2 + i] = random.nextGaussian() * s2;
    }
  }

  private int w2Offset() {
    return hidden == 0 ? 0 : inputs * hidden + hidden;
  }

  /** Softmax output for one row; {@code in} and {@code h} are scratch and receive activations. */
  private double[] forward(Matrix rows, int r, double[] in, double[] h) {
    for (int c = 0; c < inputs; c++) {
      in[c] = (rows.get(r, c) - mean[c]) * scale[c];
    }
    double[] features = in;
    if (hidden > 0) {
      int b1 = inputs * hidden;
      for (int j = 0; j < hidden; j++) {
        double sum = theta[b1 + j];
        for (int c = 0; c < inputs; c++) {
          sum += in[c] * theta[c * hidden + j];
        }
        h[j] = Math.max(0, sum);
      }
      features = h;
    }
    int w2 = w2Offset();
    int fanIn = features.length;
    int b2 = w2 + fanIn * outputs;
    double[] logits = new double[outputs];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < outputs; k++) {
      double sum = theta[b2 + k];
      for (int j = 0; j < fanIn; j++) {
        sum += features[j] * theta[w2 + j * outputs + k];
      }
      logits[k] = sum;
      max = Math.max(max, sum);
    }
    double total = 0;
    for (int k = 0; k < outputs; k++) {
      logits[k] = Math.exp(logits[k] - max);
      total += logits[k];
    }
    for (int k = 0; k < outputs; k++) {
      logits[k] /= total;
    }
    return logits;
  }

  private void accumulateGradient(Matrix x, int r, int label, double[] grad, double weight) {
    double[] in = new double[inputs];
    double[] h = new double[hidden];
    double[] p = forward(x, r, in, h);
    double[] features = hidden > 0 ? h : in;
    int w2 = w2Offset();
    int fanIn = features.length;
    int b2 = w2 + fanIn * outputs;
    double[] dLogits = new double[outputs];
    for (int k = 0; k < outputs; k++) {
      dLogits[k] = (p[k] - (k == label ? 1 : 0)) * weight;
      grad[b2 + k] += dLogits[k];
      for (int j = 0; j < fanIn; j++) {
        grad[w2 + j * outputs + k] += features[j] * dLogits[k];
      }
    }
    if (hidden == 0) {
      return;
    }
    int b1 = inputs * hidden;
    for (int j = 0; j < hidden; j++) {
      if (h[j] <= 0) {
        continue;
      }
      double dh = 0;
      for (int k = 0; k < outputs; k++) {
        dh += dLogits[k] * theta[w2 + j * outputs + k];
      }
      grad[b1 + j] += dh;
      for (int c = 0; c < inputs; c++) {
        grad[c * hidden + j] += in[c] * dh;
      }
    }
  }
}
