package io.learnware.spec.reuse;

import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The job selector of the learnware paradigm (Wu, Zhou et al., "Model Reuse with Reduced Kernel
 * Mean Embedding Specification", 2021): points are herded from each candidate learnware's RKME and
 * labelled with the candidate's index; a small classifier trained on them routes each of the user's
 * rows to the learnware whose training data it resembles most, and that learnware answers it. No
 * candidate's training data is needed, only its published specification.
 *
 * <p>Build with {@link #builder()}: {@code setCandidates} is required, the rest optional.
 */
public final class JobSelector implements Ensembles.Router {

  private final SoftmaxMlp router;
  private final int candidates;

  private JobSelector(SoftmaxMlp router, int candidates) {
    this.router = router;
    this.candidates = candidates;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The selector whose router was saved as {@code weights} (e.g. in a published ensemble). */
  public static JobSelector of(RouterWeights weights) {
    return new JobSelector(SoftmaxMlp.of(weights), weights.outputs());
  }

  /** The trained router, to save and restore with {@link #of(RouterWeights)}. */
  public RouterWeights weights() {
    return router.weights();
  }

  /** How many learnwares rows are routed between. */
  public int candidates() {
    return candidates;
  }

  /** The candidate chosen for each row. */
  @Override
  public int[] route(Matrix rows) {
    return ProbabilisticClassifier.argmax(router.probabilities(rows));
  }

  /** Per row, how likely each candidate's data is to have produced it. */
  public double[][] routeProbabilities(Matrix rows) {
    return router.probabilities(rows);
  }

  /** The candidates' classifiers (in the order of their RKMEs), each answering its rows. */
  public ProbabilisticClassifier over(List<? extends ProbabilisticClassifier> classifiers) {
    if (classifiers.size() != candidates) {
      throw new IllegalArgumentException(
          "%d classifiers for a selector between %d candidates"
              .formatted(classifiers.size(), candidates));
    }
    return Ensembles.routed(this, classifiers);
  }

  /** Configures a {@link JobSelector}. */
  public static final class Builder {
    private List<Rkme> rkmes;
    private int pointsPerCandidate = 500;
    private int hidden = 32;
    private int epochs = 60;
    private double learningRate = 0.01;
    private long seed = 0;

    private Builder() {}

    /** The candidates' RKMEs (all of one dimension and gamma), in the order of their models. */
    public Builder setCandidates(List<Rkme> candidates) {
      this.rkmes = List.copyOf(Objects.requireNonNull(candidates, "candidates"));
      return this;
    }

    /** Points herded from each RKME to train the router (default 500). */
    public Builder optPointsPerCandidate(int points) {
      this.pointsPerCandidate = points;
      return this;
    }

    /** Hidden units of the router (default 32; 0 for softmax regression). */
    public Builder optHidden(int units) {
      this.hidden = units;
      return this;
    }

    /** Passes over the herded points (default 60). */
    public Builder optEpochs(int count) {
      this.epochs = count;
      return this;
    }

    /** Adam's step size (default 0.01). */
    public Builder optLearningRate(double rate) {
      this.learningRate = rate;
      return this;
    }

    /** Fixes the herding pools and the router's initial weights (default 0). */
    public Builder optSeed(long value) {
      this.seed = value;
      return this;
    }

    public JobSelector build() {
      if (rkmes == null || rkmes.size() < 2) {
        throw new IllegalArgumentException("a job selector needs at least two candidates");
      }
      for (Rkme rkme : rkmes) {
        if (!rkme.comparableWith(rkmes.getFirst())) {
          throw new IllegalArgumentException(
              "the candidates' RKMEs live in different spaces: " + rkmes.getFirst() + ", " + rkme);
        }
      }
      if (pointsPerCandidate < 1 || hidden < 0 || epochs < 1 || !(learningRate > 0)) {
        throw new IllegalArgumentException(
            "points, epochs and the learning rate must be positive, hidden units non-negative");
      }
      int d = rkmes.getFirst().dimension();
      int n = pointsPerCandidate * rkmes.size();
      double[] x = new double[n * d];
      int[] y = new int[n];
      List<Matrix> herded = new ArrayList<>();
      for (int c = 0; c < rkmes.size(); c++) {
        Matrix points = rkmes.get(c).herd(pointsPerCandidate, seed + c);
        herded.add(points);
        System.arraycopy(points.data(), 0, x, c * pointsPerCandidate * d, pointsPerCandidate * d);
        for (int i = 0; i < pointsPerCandidate; i++) {
          y[c * pointsPerCandidate + i] = c;
        }
      }
      SoftmaxMlp router =
          SoftmaxMlp.train(
              new Matrix(n, d, x), y, rkmes.size(), hidden, epochs, learningRate, seed);
      return new JobSelector(router, rkmes.size());
    }
  }
}
