package io.learnware.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Each output's mean and standard deviation over the rows a regression network trains on. The
 * network learns {@code (y − mean) / sd}, so that Adam's steps suit targets of any scale; folding
 * {@code sd} and {@code mean} into its last {@link Linear} layer afterwards makes the saved network
 * output the targets' own units, with no extra layer to save or rebuild.
 *
 * @param mean per output
 * @param sd per output; 1 for an output that does not vary (it is only centred)
 */
public record OutputScaling(double[] mean, double[] sd) {

  /**
   * @param values {@code rows × outputs} numbers, row after row
   */
  public static OutputScaling of(float[] values, int outputs) {
    int rows = values.length / outputs;
    double[] mean = new double[outputs];
    double[] sd = new double[outputs];
    for (int row = 0; row < rows; row++) {
      for (int c = 0; c < outputs; c++) {
        mean[c] += values[row * outputs + c];
      }
    }
    for (int c = 0; c < outputs; c++) {
      mean[c] /= rows;
    }
    for (int row = 0; row < rows; row++) {
      for (int c = 0; c < outputs; c++) {
        double v = values[row * outputs + c] - mean[c];
        sd[c] += v * v;
      }
    }
    for (int c = 0; c < outputs; c++) {
      double deviation = Math.sqrt(sd[c] / rows);
      sd[c] = deviation > 1e-12 * Math.max(1, Math.abs(mean[c])) ? deviation : 1;
    }
    return new OutputScaling(mean, sd);
  }

  public int outputs() {
    return mean.length;
  }

  /** {@code (v − mean) / sd}, output by output. */
  public float[] standardise(float[] values) {
    int k = outputs();
    float[] out = new float[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) ((values[i] - mean[i % k]) / sd[i % k]);
    }
    return out;
  }

  /** {@code v · sd + mean}, output by output: back to the targets' units. */
  public float[] restore(float[] standardised) {
    int k = outputs();
    float[] out = new float[standardised.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (standardised[i] * sd[i % k] + mean[i % k]);
    }
    return out;
  }

  /** Per-output mean squared errors in standardised units, as one mean in the targets' units. */
  public double restoreSquaredError(float[] perOutput) {
    double sum = 0;
    for (int c = 0; c < perOutput.length; c++) {
      sum += perOutput[c] * sd[c] * sd[c];
    }
    return sum / perOutput.length;
  }

  /**
   * {@code W ← diag(sd)·W}, {@code b ← sd ⊙ b + mean} in the parameters of {@code block}'s last
   * child, a {@link Linear} layer with one unit per output.
   *
   * @throws IllegalArgumentException if the last child is not such a layer
   */
  public void foldInto(Block block) {
    List<Block> children = block.getChildren().values();
    if (children.isEmpty() || !(children.getLast() instanceof Linear layer)) {
      throw new IllegalArgumentException("the block does not end in a linear layer");
    }
    int k = outputs();
    NDArray weight = layer.getParameters().get("weight").getArray();
    NDArray bias = layer.getParameters().get("bias").getArray();
    float[] w = weight.toFloatArray();
    float[] b = bias.toFloatArray();
    if (b.length != k) {
      throw new IllegalArgumentException(
          "the last layer has %d units, not %d outputs".formatted(b.length, k));
    }
    int inputs = w.length / k;
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < inputs; j++) {
        w[c * inputs + j] = (float) (w[c * inputs + j] * sd[c]);
      }
      b[c] = (float) (b[c] * sd[c] + mean[c]);
    }
    weight.set(FloatBuffer.wrap(w));
    bias.set(FloatBuffer.wrap(b));
  }
}
