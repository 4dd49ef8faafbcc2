package io.learnware.worker.model;

import ai.djl.Device;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.reuse.PublishedEnsemble;
import io.learnware.spec.rkme.Matrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * A published ensemble loaded by {@link EnsembleLoader}: its members, each loaded on its own, and
 * their combination. Outputs are {@link PublishedEnsemble}'s: log-probabilities for classifiers
 * (their softmax is the combined probabilities, so every job treats them as logits), values for
 * regressors. It has neither a backbone nor gradients.
 */
final class LoadedEnsemble implements RunnableModel {

  private final PublishedEnsemble ensemble;
  private final InputShape inputShape;
  private final List<RunnableModel> members;

  LoadedEnsemble(PublishedEnsemble ensemble, InputShape inputShape, List<RunnableModel> members) {
    this.ensemble = ensemble;
    this.inputShape = inputShape;
    this.members = List.copyOf(members);
  }

  @Override
  public ModelFormat format() {
    return ModelFormat.ENSEMBLE;
  }

  @Override
  public InputShape inputShape() {
    return inputShape;
  }

  /** The first member's: members run where their own formats run (ONNX and XGBoost on the CPU). */
  @Override
  public Device device() {
    return members.getFirst().device();
  }

  /** The members' parameters together; empty when one of them cannot count its own. */
  @Override
  public OptionalLong parameterCount() {
    long total = 0;
    for (RunnableModel member : members) {
      OptionalLong count = member.parameterCount();
      if (count.isEmpty()) {
        return OptionalLong.empty();
      }
      total += count.getAsLong();
    }
    return OptionalLong.of(total);
  }

  /**
   * Every member runs on {@link #DEFAULT_BATCH_SIZE} rows at a time and the combination follows, so
   * memory stays bounded by one batch of every member's outputs.
   *
   * @throws ModelException when a member fails or answers another number of outputs than the
   *     ensemble has
   */
  @Override
  public float[] predict(float[] inputs, int rows) throws ModelException {
    int d = inputShape.size();
    int k = ensemble.manifest().outputDimension();
    float[] out = new float[rows * k];
    for (int start = 0; start < rows; start += DEFAULT_BATCH_SIZE) {
      int n = Math.min(rows, start + DEFAULT_BATCH_SIZE) - start;
      float[] batch = Arrays.copyOfRange(inputs, start * d, (start + n) * d);
      // The selector routes the very numbers the members see.
      double[] values = new double[batch.length];
      for (int i = 0; i < batch.length; i++) {
        values[i] = batch[i];
      }
      List<double[][]> outputs = new ArrayList<>();
      for (int m = 0; m < members.size(); m++) {
        float[] flat = members.get(m).predict(batch, n);
        if (flat.length != n * k) {
          throw new ModelException(
              "member %s returned %s outputs per row; the ensemble combines %d"
                  .formatted(
                      ensemble.manifest().members().get(m).ref(),
                      flat.length % n == 0
                          ? String.valueOf(flat.length / n)
                          : "a varying number of",
                      k));
        }
        double[][] rowsOut = new double[n][k];
        for (int r = 0; r < n; r++) {
          for (int c = 0; c < k; c++) {
            rowsOut[r][c] = flat[r * k + c];
          }
        }
        outputs.add(rowsOut);
      }
      double[][] combined = ensemble.combine(new Matrix(n, d, values), outputs);
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < k; c++) {
          out[(start + r) * k + c] = (float) combined[r][c];
        }
      }
    }
    return out;
  }

  @Override
  public Backbone backbone() throws CapabilityException {
    throw new CapabilityException(
        "a published ensemble has no single backbone: each member has its own layers, and the"
            + " ensemble combines their outputs, not their features");
  }

  @Override
  public Differentiable differentiable() throws CapabilityException {
    throw new CapabilityException(
        "no gradients through a published ensemble: its members run as separately loaded models"
            + " whose outputs are combined outside any engine's autograd graph");
  }

  /** Closes every member, even when closing one fails. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (RunnableModel member : members) {
      try {
        member.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
