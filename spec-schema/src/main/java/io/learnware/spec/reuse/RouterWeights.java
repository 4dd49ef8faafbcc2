package io.learnware.spec.reuse;

import java.util.Arrays;

/**
 * A trained {@link JobSelector}'s router, as saved in a published ensemble: inputs are standardised
 * ({@code (x - mean) * scale}), then one ReLU layer of {@code hidden} units (none when 0) and a
 * softmax over {@code outputs} candidates.
 *
 * @param parameters flat: the hidden layer's weights (inputs × hidden, row-major) and biases, then
 *     the output layer's weights ((hidden or inputs) × outputs) and biases
 */
public record RouterWeights(
    int inputs, int hidden, int outputs, double[] mean, double[] scale, double[] parameters) {

  public RouterWeights {
    if (inputs < 1 || hidden < 0 || outputs < 2) {
      throw new IllegalArgumentException(
          "a router needs inputs, non-negative hidden units and at least two candidates");
    }
    if (mean.length != inputs || scale.length != inputs) {
      throw new IllegalArgumentException(
          "mean and scale need %d numbers each, got %d and %d"
              .formatted(inputs, mean.length, scale.length));
    }
    int expected = SoftmaxMlp.parameterCount(inputs, hidden, outputs);
    if (parameters.length != expected) {
      throw new IllegalArgumentException(
          "a router of %d inputs, %d hidden units and %d candidates has %d parameters, not %d"
              .formatted(inputs, hidden, outputs, expected, parameters.length));
    }
    for (double[] numbers : new double[][] {mean, scale, parameters}) {
      for (double v : numbers) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("a router's numbers must be finite");
        }
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouterWeights w
        && inputs == w.inputs
        && hidden == w.hidden
        && outputs == w.outputs
        && Arrays.equals(mean, w.mean)
        && Arrays.equals(scale, w.scale)
        && Arrays.equals(parameters, w.parameters);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * inputs + hidden) + outputs + Arrays.hashCode(parameters);
  }

  @Override
  public String toString() {
    return "RouterWeights[inputs=%d, hidden=%d, outputs=%d]".formatted(inputs, hidden, outputs);
  }
}
