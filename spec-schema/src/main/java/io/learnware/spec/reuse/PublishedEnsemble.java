package io.learnware.spec.reuse;

import io.learnware.spec.Task;
import io.learnware.spec.rkme.Matrix;
import java.util.List;

/**
 * Runs a published ensemble's combination on its members' outputs, so that the worker, the DJL
 * integration and any other loader combine alike. Outputs are on the models' own scale: logits for
 * classifiers (the ensemble answers log-probabilities, whose softmax is the combined
 * probabilities), values for regressors.
 *
 * <pre>{@code
 * PublishedEnsemble ensemble = new PublishedEnsemble(manifest);
 * double[][] out = ensemble.combine(rows, List.of(memberA.outputs(rows), memberB.outputs(rows)));
 * }</pre>
 */
public final class PublishedEnsemble {

  /** Probabilities below this are answered as its logarithm, so every output stays finite. */
  private static final double SMALLEST = Double.MIN_NORMAL;

  private final EnsembleManifest manifest;
  private final JobSelector selector;

  public PublishedEnsemble(EnsembleManifest manifest) {
    this.manifest = manifest;
    this.selector = manifest.router() == null ? null : JobSelector.of(manifest.router());
  }

  public EnsembleManifest manifest() {
    return manifest;
  }

  /** For the selector, the member each row goes to; null for the other methods. */
  public int[] route(Matrix rows) {
    return selector == null ? null : selector.route(rows);
  }

  /**
   * The ensemble's outputs for {@code rows}.
   *
   * @param memberOutputs per member (in the manifest's order), its outputs for every row of {@code
   *     rows}
   * @throws IllegalArgumentException when a member answered another number of rows or outputs
   */
  public double[][] combine(Matrix rows, List<double[][]> memberOutputs) {
    if (memberOutputs.size() != manifest.members().size()) {
      throw new IllegalArgumentException(
          "%d members' outputs for an ensemble of %d"
              .formatted(memberOutputs.size(), manifest.members().size()));
    }
    for (int m = 0; m < memberOutputs.size(); m++) {
      double[][] out = memberOutputs.get(m);
      if (out.length != rows.rows()) {
        throw new IllegalArgumentException(
            "%s answered %d rows of %d"
                .formatted(manifest.members().get(m).ref(), out.length, rows.rows()));
      }
      for (double[] row : out) {
        if (row.length != manifest.outputDimension()) {
          throw new IllegalArgumentException(
              "%s answered %d outputs; the ensemble has %d"
                  .formatted(
                      manifest.members().get(m).ref(), row.length, manifest.outputDimension()));
        }
      }
    }
    boolean classifier = manifest.task() == Task.CLASSIFICATION;
    // Every member already answered every row: classifiers as probabilities, regressors as is.
    List<double[][]> answers =
        classifier
            ? memberOutputs.stream().map(PublishedEnsemble::softmax).toList()
            : memberOutputs;
    List<ProbabilisticClassifier> answered =
        answers.stream().map(p -> (ProbabilisticClassifier) r -> p).toList();
    double[][] combined =
        switch (manifest.method()) {
          case MEAN -> classifier ? answer(Ensembles.mean(answered), rows) : mean(answers);
          case VOTE -> answer(Ensembles.vote(answered), rows);
          case SELECTOR -> routed(rows, answers);
        };
    return classifier ? log(combined) : combined;
  }

  /** The reuse job's combinations, over answers already computed (so nothing can throw). */
  private static double[][] answer(ProbabilisticClassifier combination, Matrix rows) {
    try {
      return combination.probabilities(rows);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private double[][] routed(Matrix rows, List<double[][]> answers) {
    int[] routes = selector.route(rows);
    double[][] out = new double[rows.rows()][];
    for (int r = 0; r < routes.length; r++) {
      out[r] = answers.get(routes[r])[r].clone();
    }
    return out;
  }

  private static double[][] mean(List<double[][]> outputs) {
    double[][] sum = new double[outputs.getFirst().length][];
    for (int r = 0; r < sum.length; r++) {
      sum[r] = new double[outputs.getFirst()[r].length];
      for (double[][] out : outputs) {
        for (int c = 0; c < sum[r].length; c++) {
          sum[r][c] += out[r][c] / outputs.size();
        }
      }
    }
    return sum;
  }

  /** Row-wise softmax of logits: what a classifier's outputs, or an ensemble's, mean. */
  public static double[][] softmax(double[][] logits) {
    double[][] out = new double[logits.length][];
    for (int r = 0; r < logits.length; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : logits[r]) {
        max = Math.max(max, v);
      }
      out[r] = new double[logits[r].length];
      double total = 0;
      for (int c = 0; c < out[r].length; c++) {
        out[r][c] = Math.exp(logits[r][c] - max);
        total += out[r][c];
      }
      for (int c = 0; c < out[r].length; c++) {
        out[r][c] /= total;
      }
    }
    return out;
  }

  /**
   * Row-wise logarithms of probabilities, as logits whose softmax gives them back; below {@link
   * Double#MIN_NORMAL} they are answered as its logarithm, so every output stays finite.
   */
  public static double[][] log(double[][] probabilities) {
    double[][] out = new double[probabilities.length][];
    for (int r = 0; r < out.length; r++) {
      out[r] = new double[probabilities[r].length];
      for (int c = 0; c < out[r].length; c++) {
        out[r][c] = Math.log(Math.max(SMALLEST, probabilities[r][c]));
      }
    }
    return out;
  }
}
