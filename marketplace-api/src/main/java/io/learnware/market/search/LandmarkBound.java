package io.learnware.market.search;

import io.learnware.market.search.TaylorFeatures.Features;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A lower bound on a candidate's MMD² to the query, tighter than the {@link TaylorFeatures} bound
 * it extends, for a sixth to a third of a comparison's arithmetic (about half its time, measured in
 * the search): the written-out features plus the query's rest projected on a few of its own points.
 *
 * <p>The Taylor bound splits the feature space into the written-out part {@code W} and the rest
 * {@code R = W⊥}, and pays for the rest with {@code 2‖rest_q‖·‖rest_i‖}. Here {@code R} is split
 * again, by the span {@code G} of {@code g_k = rest(φ(s_k))} for landmarks {@code s_1, …, s_m}: for
 * an orthogonal split {@code MMD² ≥ ‖f_q − f_i‖² + ‖c_q − c_i‖² + (ε_q − ε_i)²}, with {@code c} the
 * coordinates in {@code G} (an orthonormal basis from the Cholesky factor {@code L} of the {@code
 * g_k}'s Gram matrix: {@code c = L⁻¹(⟨g_k, μ⟩)_k}) and {@code ε} what is left outside {@code W ⊕
 * G}. A candidate's side is {@code ⟨g_k, μ_i⟩ = ⟨φ(s_k), μ_i⟩ − ⟨f(φ(s_k)), f_i⟩}: {@code m·K·d}
 * multiply-adds for the kernel sums and {@code m} dot products with its features.
 *
 * <p>The landmarks are the query's own points, chosen greedily (a pivoted Cholesky factorisation of
 * the rest kernel, {@link TaylorFeatures.Centered#restKernel}) so that each removes as much of the
 * query's rest as it can. Only the query's rest need be small, and a query is an RKME of its data,
 * smoother than stored embeddings of raw points: on the search benchmark's topics market at 1,000
 * learnwares a search compares 58 candidates (p50) where the Taylor bound alone left 350
 * (docs/benchmarks.md).
 *
 * <p>Rounding. The kernel sums are computed in float by {@link VectorKernel} within its relative
 * error (every term is positive); the features' dot products in float within {@code (n + 2)·u} of
 * their absolute sum; both feature vectors are float, off by their {@code rounding} norms. Each
 * {@code ⟨g_k, μ_i⟩} is thus within a known {@code δ_k}, the coordinates within {@code ‖L⁻¹‖·‖δ‖}
 * (the Frobenius norm bounds {@code ‖L⁻¹‖}), and the bound takes the least value over those ranges,
 * less {@link CertifiedRanking#MARGIN} for the query side's double arithmetic.
 */
final class LandmarkBound {

  /** The landmarks a candidate is bounded with: the first level's, then all of them if needed. */
  private static final int[] LEVELS = {16, 32};

  /**
   * A landmark's rest must keep at least this much squared norm outside the earlier ones' span, so
   * that {@code L⁻¹} stays small.
   */
  private static final double MIN_RESIDUAL = 1e-3;

  private static final double U = 0x1p-24;

  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_256;

  private final int count;
  private final int[] levels;
  private final Features query;

  /** {@code L⁻¹}, lower triangular, row-major {@code count × count}. */
  private final double[] inverse;

  /** The query's coordinates {@code c_q}. */
  private final double[] projected;

  /** Per level: {@code ε_q} and the Frobenius norm of {@code L⁻¹}'s leading block. */
  private final double[] residual;

  private final double[] inverseNorm;

  /** The landmarks as the float kernel's query side (weights unused). */
  private final VectorKernel.Query landmarks;

  /** Each landmark's written-out features {@code f(φ(s_k))}, with their rounding and norm. */
  private final Features[] features;

  private final double[] featureNorms;

  private LandmarkBound(
      Rkme rkme,
      TaylorFeatures taylor,
      Features query,
      int[] chosen,
      double[] lower,
      double[] projected) {
    int m = chosen.length;
    int d = rkme.dimension();
    this.count = m;
    this.query = query;
    this.projected = projected;
    this.inverse = inverseOfLower(lower, m);
    this.levels = m > LEVELS[0] ? new int[] {LEVELS[0], m} : new int[] {m};
    this.residual = new double[levels.length];
    this.inverseNorm = new double[levels.length];
    for (int l = 0; l < levels.length; l++) {
      double kept = 0;
      double frobenius = 0;
      for (int k = 0; k < levels[l]; k++) {
        kept += projected[k] * projected[k];
        for (int c = 0; c <= k; c++) {
          frobenius += inverse[k * m + c] * inverse[k * m + c];
        }
      }
      residual[l] = Math.sqrt(Math.max(0, query.rest() * query.rest() - kept));
      inverseNorm[l] = Math.sqrt(frobenius);
    }
    double[] z = rkme.points().data();
    double[] rows = new double[m * d];
    this.features = new Features[m];
    this.featureNorms = new double[m];
    for (int k = 0; k < m; k++) {
      System.arraycopy(z, chosen[k] * d, rows, k * d, d);
      Rkme point =
          new Rkme(
              rkme.gamma(),
              1,
              new Matrix(1, d, Arrays.copyOfRange(rows, k * d, (k + 1) * d)),
              new double[] {1});
      features[k] = taylor.of(point, 1);
      featureNorms[k] = Math.sqrt(Math.max(0, 1 - features[k].rest() * features[k].rest()));
    }
    this.landmarks = VectorKernel.Query.of(m, d, rows, new double[m]);
  }

  /**
   * The bound for {@code rkme} (the query) with its features {@code query}; null when the query has
   * too few points for the bound to cost less than a comparison, or no rest worth a landmark.
   */
  static LandmarkBound of(Rkme rkme, TaylorFeatures taylor, Features query) {
    int k = rkme.size();
    if (k < 2 * LEVELS[0]) {
      return null;
    }
    double[] z = rkme.points().data();
    int d = rkme.dimension();
    double[] alpha = rkme.weights();
    // The rest kernel between the query's points, and ⟨g_p, μ_q⟩ for each.
    TaylorFeatures.Centered x = taylor.centered(z, k);
    double[] rest = new double[k * k];
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        double value = x.restKernel(i, j, dot(x.rows(), i * d, j * d, d));
        if (!Double.isFinite(value)) {
          return null;
        }
        rest[i * k + j] = value;
        rest[j * k + i] = value;
      }
    }
    double[] toQuery = new double[k];
    for (int p = 0; p < k; p++) {
      for (int i = 0; i < k; i++) {
        toQuery[p] += alpha[i] * rest[p * k + i];
      }
    }
    int most = LEVELS[LEVELS.length - 1];
    double[] columns = new double[k * most];
    double[] remaining = new double[k];
    for (int p = 0; p < k; p++) {
      remaining[p] = rest[p * k + p];
    }
    double[] projected = new double[most];
    int[] chosen = new int[most];
    boolean[] taken = new boolean[k];
    int m = 0;
    for (; m < most; m++) {
      int pivot = -1;
      double best = 0;
      for (int p = 0; p < k; p++) {
        if (taken[p] || remaining[p] < MIN_RESIDUAL) {
          continue;
        }
        double r = toQuery[p];
        for (int c = 0; c < m; c++) {
          r -= columns[p * most + c] * projected[c];
        }
        double score = r * r / remaining[p];
        if (pivot < 0 || score > best) {
          pivot = p;
          best = score;
        }
      }
      if (pivot < 0) {
        break;
      }
      double diagonal = Math.sqrt(remaining[pivot]);
      for (int i = 0; i < k; i++) {
        double value = rest[i * k + pivot];
        for (int c = 0; c < m; c++) {
          value -= columns[i * most + c] * columns[pivot * most + c];
        }
        columns[i * most + m] = value / diagonal;
      }
      for (int i = 0; i < k; i++) {
        remaining[i] -= columns[i * most + m] * columns[i * most + m];
      }
      double r = toQuery[pivot];
      for (int c = 0; c < m; c++) {
        r -= columns[pivot * most + c] * projected[c];
      }
      projected[m] = r / diagonal;
      chosen[m] = pivot;
      taken[pivot] = true;
    }
    if (m == 0) {
      return null;
    }
    double[] lower = new double[m * m];
    for (int a = 0; a < m; a++) {
      for (int b = 0; b <= a; b++) {
        lower[a * m + b] = columns[chosen[a] * most + b];
      }
    }
    return new LandmarkBound(
        rkme, taylor, query, Arrays.copyOf(chosen, m), lower, Arrays.copyOf(projected, m));
  }

  /**
   * A lower bound on the candidate's MMD² to the query: the first level's if it exceeds {@code
   * threshold}, else the next one's. Never above the MMD², whatever the threshold.
   *
   * @param stored the candidate's points
   * @param candidate its written-out features
   * @param written {@code ‖f_q − f_i‖²} as the Taylor bound computed it (a lower bound on the float
   *     features' squared distance)
   */
  double lowerBound(PackedPoints stored, Features candidate, double written, double threshold) {
    double relative = VectorKernel.relativeError(landmarks, stored);
    if (!(relative < 0.5)) {
      return 0;
    }
    float[] values = candidate.values();
    // ‖f_i‖² = ‖μ_i‖² − ‖rest_i‖²; with the rounding, a bound on the float values' norm too.
    double featureNorm =
        Math.sqrt(Math.max(0, stored.squaredNorm() - candidate.rest() * candidate.rest()))
            + candidate.rounding();
    double[] kernels = new double[count];
    double[] inner = new double[count];
    double[] errors = new double[count];
    double[] dots = new double[count];
    double bound = 0;
    int done = 0;
    for (int l = 0; l < levels.length; l++) {
      VectorKernel.kernelSums(landmarks, done, levels[l], stored, kernels);
      featureDots(values, done, levels[l], dots);
      for (int k = done; k < levels[l]; k++) {
        float[] t = features[k].values();
        double tNorm = featureNorms[k] + features[k].rounding();
        inner[k] = kernels[k] - dots[k];
        errors[k] =
            relative / (1 - relative) * kernels[k]
                + (t.length + 2) * U * tNorm * featureNorm
                + features[k].rounding() * featureNorm
                + tNorm * candidate.rounding();
      }
      done = levels[l];
      bound = bound(l, stored.squaredNorm(), candidate, written, inner, errors);
      if (Double.isNaN(bound)) {
        return 0;
      }
      if (bound > threshold) {
        break;
      }
    }
    return bound;
  }

  /**
   * {@code ⟨f(φ(s_k)), values⟩} for the landmarks {@code k} in {@code [from, to)}, four at a time.
   */
  private void featureDots(float[] values, int from, int to, double[] out) {
    int n = values.length;
    int k = from;
    for (; k + 4 <= to; k += 4) {
      VectorKernel.dots(
          values,
          features[k].values(),
          features[k + 1].values(),
          features[k + 2].values(),
          features[k + 3].values(),
          n,
          out,
          k);
    }
    for (; k < to; k++) {
      out[k] = VectorKernel.dot(features[k].values(), values, n);
    }
  }

  /** The bound from the first {@code levels[level]} landmarks' inner products. */
  private double bound(
      int level,
      double squaredNorm,
      Features candidate,
      double written,
      double[] inner,
      double[] errors) {
    int m = levels[level];
    double distance = 0;
    double norm = 0;
    double error = 0;
    for (int k = 0; k < m; k++) {
      double c = 0;
      for (int b = 0; b <= k; b++) {
        c += inverse[k * count + b] * inner[b];
      }
      double difference = c - projected[k];
      distance += difference * difference;
      norm += c * c;
      error += errors[k] * errors[k];
    }
    double slack = inverseNorm[level] * Math.sqrt(error);
    double first =
        Math.max(
            0, Math.sqrt(written + distance) - query.rounding() - candidate.rounding() - slack);
    // ε_i² = ‖rest_i‖² − ‖c_i‖², with ‖c_i‖ within the slack of the computed norm.
    double length = Math.sqrt(norm);
    double rest = candidate.rest() * candidate.rest();
    double low = Math.sqrt(Math.max(0, rest - (length + slack) * (length + slack)));
    double shrunk = Math.max(0, length - slack);
    double high = Math.sqrt(Math.max(0, rest - shrunk * shrunk));
    double q = residual[level];
    double gap = q < low ? low - q : q > high ? q - high : 0;
    return first * first + gap * gap - CertifiedRanking.MARGIN;
  }

  /** {@code a_i · a_j} for rows {@code i} and {@code j} of {@code a} (at the offsets). */
  private static double dot(double[] a, int i, int j, int d) {
    DoubleVector acc = DoubleVector.zero(SPECIES);
    int c = 0;
    for (; c + SPECIES.length() <= d; c += SPECIES.length()) {
      acc =
          DoubleVector.fromArray(SPECIES, a, i + c)
              .fma(DoubleVector.fromArray(SPECIES, a, j + c), acc);
    }
    double sum = acc.reduceLanes(VectorOperators.ADD);
    for (; c < d; c++) {
      sum += a[i + c] * a[j + c];
    }
    return sum;
  }

  /** The inverse of a lower-triangular {@code m × m} matrix, by forward substitution. */
  private static double[] inverseOfLower(double[] lower, int m) {
    double[] inverse = new double[m * m];
    for (int col = 0; col < m; col++) {
      inverse[col * m + col] = 1 / lower[col * m + col];
      for (int row = col + 1; row < m; row++) {
        double sum = 0;
        for (int b = col; b < row; b++) {
          sum += lower[row * m + b] * inverse[b * m + col];
        }
        inverse[row * m + col] = -sum / lower[row * m + row];
      }
    }
    return inverse;
  }
}
