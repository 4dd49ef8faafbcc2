package io.learnware.spec.rkme;

import java.util.Arrays;

/**
 * A weighted combination of candidate embeddings, {@code Σ w_i μ_i}, and its distance to a target.
 *
 * @param components indices into the candidate list, best first
 * @param weights one per component, on the simplex
 * @param mmdSquared {@code ‖μ_target − Σ w_i μ_i‖²}
 * @param squaredNorm {@code ‖Σ w_i μ_i‖²}, to put the distance on the scale of {@link
 *     Rkme#similarity}
 */
public record Mixture(int[] components, double[] weights, double mmdSquared, double squaredNorm) {

  public Mixture {
    components = components.clone();
    weights = weights.clone();
  }

  @Override
  public int[] components() {
    return components.clone();
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Mixture that
        && Arrays.equals(components, that.components)
        && Arrays.equals(weights, that.weights)
        && Double.compare(mmdSquared, that.mmdSquared) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(components) + Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return "Mixture[components=%s, weights=%s, mmdSquared=%s, squaredNorm=%s]"
        .formatted(Arrays.toString(components), Arrays.toString(weights), mmdSquared, squaredNorm);
  }
}
