package io.learnware.worker.model;

import ai.djl.Device;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.rkme.Matrix;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * A model of any format the worker runs, loaded by {@link ModelRuntime}: predictions always, and
 * the capabilities its format allows — features ({@link #backbone()}) where it has a backbone,
 * input gradients ({@link #differentiable()}) where its engine records them. A capability the
 * format lacks throws {@link CapabilityException} saying why. Not thread-safe; every batch runs in
 * its own scope, closed when the batch is done.
 */
public interface RunnableModel extends AutoCloseable {

  /** Rows per forward pass of {@link #predict}. */
  int DEFAULT_BATCH_SIZE = 256;

  /** The format the model was loaded in. */
  ModelFormat format();

  /** One sample's shape; rows are flattened channel-major to {@link InputShape#size()} numbers. */
  InputShape inputShape();

  /** Where the model runs (ONNX Runtime and XGBoost: always the CPU). */
  Device device();

  /**
   * Numbers the model holds: weights and biases for networks (buffers are not parameters), tree
   * nodes for boosted trees; empty when they cannot be counted (an ONNX graph whose weights are
   * {@code Constant} nodes), never a misleading 0.
   */
  OptionalLong parameterCount();

  /**
   * The outputs (logits for a classifier) of {@code rows} samples, in batches.
   *
   * @param inputs {@code rows × inputShape().size()} numbers, row after row
   * @return {@code rows × k} outputs, row after row
   * @throws ModelException when the model fails on the input or does not return one {@code [n, k]}
   *     tensor
   */
  float[] predict(float[] inputs, int rows) throws ModelException;

  /** {@link #predict(float[], int)} for one sample per row of {@code samples}. */
  default float[][] predict(Matrix samples) throws ModelException {
    checkColumns(samples);
    float[] flat = predict(samples.toFloatArray(), samples.rows());
    return rowsOf(flat, samples.rows());
  }

  /**
   * The model's feature extractor: a declared {@code model.featureExtractor}, or the network
   * without its last layer where the market built it. It belongs to this model (closed with it);
   * fine-tuning it changes this model's predictions too.
   *
   * @throws CapabilityException when the format has no layer to cut at, saying why
   * @throws ModelException when a declared extractor does not load
   */
  Backbone backbone() throws ModelException;

  /** The features of every row of {@code samples} ({@link #backbone()}). */
  default float[][] features(Matrix samples) throws ModelException {
    checkColumns(samples);
    float[] flat = backbone().features(samples.toFloatArray(), samples.rows());
    return rowsOf(flat, samples.rows());
  }

  /**
   * The model as a function gradients flow through, e.g. for FGSM and PGD.
   *
   * @throws CapabilityException when its engine records no gradients (ONNX Runtime) or it has none
   *     (boosted trees), saying why
   */
  Differentiable differentiable() throws ModelException;

  @Override
  void close();

  private void checkColumns(Matrix samples) {
    if (samples.columns() != inputShape().size()) {
      throw new IllegalArgumentException(
          "samples have %d numbers each; the model's input %s needs %d"
              .formatted(samples.columns(), inputShape().describeBatch(), inputShape().size()));
    }
  }

  private static float[][] rowsOf(float[] flat, int rows) {
    float[][] out = new float[rows][];
    int k = rows == 0 ? 0 : flat.length / rows;
    for (int i = 0; i < rows; i++) {
      out[i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
    }
    return out;
  }
}
