package io.learnware.worker.distill;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A TorchScript teacher run by DJL's PyTorch engine: {@code [N, inputDimension]} floats in, {@code
 * [N, outputDimension]} logits out, in batches.
 */
public final class TorchScriptTeacher implements Teacher {

  private static final int BATCH_ROWS = 1024;

  private final Model model;
  private final ParameterStore parameterStore;
  private final int inputDimension;
  private final int outputDimension;
  private final long artifactBytes;

  private TorchScriptTeacher(
      Model model, int inputDimension, int outputDimension, long artifactBytes) {
    this.model = model;
    this.parameterStore = new ParameterStore(model.getNDManager(), false);
    this.inputDimension = inputDimension;
    this.outputDimension = outputDimension;
    this.artifactBytes = artifactBytes;
  }

  /**
   * Loads a TorchScript file and checks that one row of zeros gives {@code outputDimension} logits.
   *
   * @throws MalformedModelException if it is not TorchScript or its output has another shape
   */
  public static TorchScriptTeacher load(
      Path file, int inputDimension, int outputDimension, Device device)
      throws IOException, MalformedModelException {
    Model model = Model.newInstance("teacher", device, "PyTorch");
    try {
      model.load(file);
      TorchScriptTeacher teacher =
          new TorchScriptTeacher(model, inputDimension, outputDimension, Files.size(file));
      Shape shape;
      try (NDManager scope = model.getNDManager().newSubManager()) {
        shape = teacher.forward(scope.zeros(new Shape(1, inputDimension))).getShape();
      }
      if (!shape.equals(new Shape(1, outputDimension))) {
        throw new MalformedModelException(
            "the teacher maps one row of %d inputs to an output of shape %s; its specification says %d classes"
                .formatted(inputDimension, shape, outputDimension));
      }
      return teacher;
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  private NDArray forward(NDArray input) {
    return model.getBlock().forward(parameterStore, new NDList(input), false).singletonOrThrow();
  }

  @Override
  public int inputDimension() {
    return inputDimension;
  }

  @Override
  public int outputDimension() {
    return outputDimension;
  }

  @Override
  public float[] logits(float[] inputs, int rows) {
    float[] out = new float[rows * outputDimension];
    for (int start = 0; start < rows; start += BATCH_ROWS) {
      int n = Math.min(BATCH_ROWS, rows - start);
      try (NDManager scope = model.getNDManager().newSubManager()) {
        NDArray x =
            scope.create(
                FloatBuffer.wrap(inputs, start * inputDimension, n * inputDimension),
                new Shape(n, inputDimension));
        float[] chunk = forward(x).toFloatArray();
        System.arraycopy(chunk, 0, out, start * outputDimension, chunk.length);
      }
    }
    return out;
  }

  @Override
  public long parameterCount() {
    long count = 0;
    for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
      count += parameter.getValue().getArray().size();
    }
    return count;
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
