package io.learnware.spec.rkme;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Fits mixtures of candidate embeddings to a target embedding: the weights minimise {@code MMD²(μ,
 * Σ w_i μ_i) = wᵀGw − 2wᵀh + ‖μ‖²} over the simplex, where {@code G_ij = ⟨μ_i, μ_j⟩} and {@code h_i
 * = ⟨μ_i, μ⟩}.
 */
public final class Mixtures {

  private Mixtures() {}

  /** The best weights over all {@code candidates}. */
  public static Mixture fit(Rkme target, List<Rkme> candidates) {
    double[] inner = new double[candidates.size()];
    for (int i = 0; i < inner.length; i++) {
      inner[i] = candidates.get(i).innerProduct(target);
    }
    Gram gram = new ExactGram(candidates);
    int[] all = new int[candidates.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return fit(target.squaredNorm(), gram, inner, all);
  }

  /**
   * Grows a mixture greedily: it starts from the single candidate nearest the target and adds, one
   * at a time, the candidate whose addition lowers the mixture's MMD² most, while that lowers it by
   * more than {@code minRelativeGain} (a fraction of the current MMD²), up to {@code
   * maxComponents}.
   *
   * @param innerProducts {@code ⟨μ_i, μ_target⟩} per candidate, usually known from ranking them
   * @return the mixture; a single component when no addition helps
   */
  public static Mixture greedy(
      Rkme target,
      List<Rkme> candidates,
      double[] innerProducts,
      int maxComponents,
      double minRelativeGain) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("no candidates");
    }
    return greedy(
        target.squaredNorm(),
        innerProducts,
        new ExactGram(candidates),
        maxComponents,
        minRelativeGain);
  }

  /**
   * {@link #greedy(Rkme, List, double[], int, double)} with the inner products between candidates
   * supplied by the caller (a search computes them faster than {@link Rkme#innerProduct}).
   *
   * @param targetNorm {@code ‖μ_target‖²}
   * @param innerProducts {@code ⟨μ_i, μ_target⟩}, one per candidate
   */
  public static Mixture greedy(
      double targetNorm,
      double[] innerProducts,
      Gram gram,
      int maxComponents,
      double minRelativeGain) {
    int count = innerProducts.length;
    if (count == 0) {
      throw new IllegalArgumentException("no candidates");
    }
    int first = 0;
    double firstMmd = Double.POSITIVE_INFINITY;
    for (int i = 0; i < count; i++) {
      double mmd = targetNorm + gram.get(i, i) - 2 * innerProducts[i];
      if (mmd < firstMmd) {
        firstMmd = mmd;
        first = i;
      }
    }
    Mixture best =
        new Mixture(
            new int[] {first}, new double[] {1}, Math.max(0, firstMmd), gram.get(first, first));
    List<Integer> chosen = new ArrayList<>(List.of(first));
    while (chosen.size() < maxComponents) {
      // Only a round reads the newest component's row: none is computed for a mixture that is full.
      gram.prepareRow(chosen.getLast());
      Mixture round = null;
      for (int c = 0; c < count; c++) {
        if (chosen.contains(c)) {
          continue;
        }
        int[] trial = new int[chosen.size() + 1];
        for (int i = 0; i < chosen.size(); i++) {
          trial[i] = chosen.get(i);
        }
        trial[chosen.size()] = c;
        Mixture mixture = fit(targetNorm, gram, innerProducts, trial);
        if (round == null || mixture.mmdSquared() < round.mmdSquared()) {
          round = mixture;
        }
      }
      // Strictly lower: a fit of MMD² 0 (read from a rounded one below 0) cannot improve on 0.
      if (round == null || !(round.mmdSquared() < best.mmdSquared() * (1 - minRelativeGain))) {
        break;
      }
      best = round;
      chosen.add(round.components()[round.components().length - 1]);
    }
    return withoutZeroWeights(best);
  }

  private static Mixture fit(double targetNorm, Gram gram, double[] inner, int[] components) {
    int m = components.length;
    double[] g = new double[m * m];
    double[] h = new double[m];
    for (int i = 0; i < m; i++) {
      h[i] = inner[components[i]];
      for (int j = 0; j < m; j++) {
        g[i * m + j] = gram.get(components[i], components[j]);
      }
    }
    double[] w = m <= SimplexQp.MAX_EXACT ? SimplexQp.solveBySupports(g, h) : SimplexQp.solve(g, h);
    double[] gw = new double[m];
    SimplexQp.multiply(g, w, gw);
    double norm = 0;
    double cross = 0;
    for (int i = 0; i < m; i++) {
      norm += w[i] * gw[i];
      cross += w[i] * h[i];
    }
    return new Mixture(components, w, Math.max(0, targetNorm + norm - 2 * cross), norm);
  }

  private static Mixture withoutZeroWeights(Mixture mixture) {
    int[] components = mixture.components();
    double[] weights = mixture.weights();
    int kept = 0;
    for (double weight : weights) {
      kept += weight > 0 ? 1 : 0;
    }
    int[] keptComponents = new int[kept];
    double[] keptWeights = new double[kept];
    for (int i = 0, o = 0; i < weights.length; i++) {
      if (weights[i] > 0) {
        keptComponents[o] = components[i];
        keptWeights[o++] = weights[i];
      }
    }
    return new Mixture(keptComponents, keptWeights, mixture.mmdSquared(), mixture.squaredNorm());
  }

  /** Inner products {@code ⟨μ_i, μ_j⟩} between candidates; {@code get(i, i)} is {@code ‖μ_i‖²}. */
  public interface Gram {
    double get(int i, int j);

    /** Called before a greedy round reads row {@code i}: a chance to compute it all at once. */
    default void prepareRow(int i) {}
  }

  /** Inner products by {@link Rkme#innerProduct}, computed on first use. */
  private static final class ExactGram implements Gram {
    private final List<Rkme> candidates;
    private final Map<Long, Double> values = new HashMap<>();

    ExactGram(List<Rkme> candidates) {
      this.candidates = candidates;
    }

    @Override
    public double get(int i, int j) {
      if (i == j) {
        return candidates.get(i).squaredNorm();
      }
      return values.computeIfAbsent(
          key(i, j), unused -> candidates.get(i).innerProduct(candidates.get(j)));
    }

    /**
     * Computes row {@code i} in parallel: a greedy round needs the newest component's inner product
     * with every candidate, each as costly as a search's comparison.
     */
    @Override
    public void prepareRow(int i) {
      Map<Long, Double> row =
          IntStream.range(0, candidates.size())
              .filter(j -> j != i && !values.containsKey(key(i, j)))
              .boxed()
              .parallel()
              .collect(
                  Collectors.toMap(
                      j -> key(i, j), j -> candidates.get(i).innerProduct(candidates.get(j))));
      values.putAll(row);
    }

    private static long key(int i, int j) {
      return (long) Math.min(i, j) << 32 | Math.max(i, j);
    }
  }
}
