package io.learnware.worker.distill;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.LoadedModel;
import io.learnware.worker.model.ModelException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A TorchScript teacher ({@link LoadedModel}): table rows or flattened images in, logits out, in
 * batches.
 */
public final class TorchScriptTeacher implements Teacher {

  private final LoadedModel model;
  private final InputShape inputShape;
  private final int inputDimension;
  private final int outputDimension;
  private final long artifactBytes;

  private TorchScriptTeacher(
      LoadedModel model, InputShape inputShape, int outputDimension, long artifactBytes) {
    this.model = model;
    this.inputShape = inputShape;
    this.inputDimension = inputShape.size();
    this.outputDimension = outputDimension;
    this.artifactBytes = artifactBytes;
  }

  /**
   * Loads a TorchScript file and checks that a row of zeros gives {@code outputDimension} logits.
   *
   * @throws ModelException if it is not TorchScript, fails on such rows or has another number of
   *     outputs
   */
  public static TorchScriptTeacher load(
      Path file, int inputDimension, int outputDimension, Device device)
      throws IOException, ModelException {
    return load(file, InputShape.table(inputDimension), outputDimension, device);
  }

  /** Like {@link #load(Path, int, int, Device)} for any input shape, e.g. images. */
  public static TorchScriptTeacher load(
      Path file, InputShape inputShape, int outputDimension, Device device)
      throws IOException, ModelException {
    LoadedModel model = LoadedModel.load(file, inputShape, device);
    try {
      TorchScriptTeacher teacher =
          new TorchScriptTeacher(model, inputShape, outputDimension, Files.size(file));
      long outputs;
      try (NDManager batch = model.newBatchManager()) {
        outputs = model.forward(batch.zeros(inputShape.batch(1))).size();
      }
      if (outputs != outputDimension) {
        throw new ModelException(
            "the model gives %d outputs per row; its specification says %d classes"
                .formatted(outputs, outputDimension));
      }
      return teacher;
    } catch (ModelException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  @Override
  public int inputDimension() {
    return inputDimension;
  }

  @Override
  public InputShape inputShape() {
    return inputShape;
  }

  @Override
  public int outputDimension() {
    return outputDimension;
  }

  /**
   * @throws IllegalArgumentException if the model fails on these rows (e.g. returns a shape other
   *     than {@code [rows, outputDimension]})
   */
  @Override
  public float[] logits(float[] inputs, int rows) {
    float[] out = new float[rows * outputDimension];
    for (int start = 0; start < rows; start += LoadedModel.DEFAULT_BATCH_SIZE) {
      int n = Math.min(LoadedModel.DEFAULT_BATCH_SIZE, rows - start);
      try (NDManager batch = model.newBatchManager()) {
        NDArray x =
            batch.create(
                FloatBuffer.wrap(inputs, start * inputDimension, n * inputDimension),
                inputShape.batch(n));
        float[] chunk = model.forward(x).toFloatArray();
        if (chunk.length != n * outputDimension) {
          throw new IllegalArgumentException(
              "the teacher gave %d outputs for %d rows of %d classes"
                  .formatted(chunk.length, n, outputDimension));
        }
        System.arraycopy(chunk, 0, out, start * outputDimension, chunk.length);
      } catch (ModelException e) {
        throw new IllegalArgumentException(
            "the teacher fails on the transfer set: " + e.getMessage(), e);
      }
    }
    return out;
  }

  @Override
  public long parameterCount() {
    return model.parameterCount().orElseThrow(); // always known for TorchScript
  }

  @Override
  public long artifactBytes() {
    return artifactBytes;
  }

  @Override
  public void close() {
    model.close();
  }
}
