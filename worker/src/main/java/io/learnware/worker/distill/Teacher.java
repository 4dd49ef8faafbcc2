package io.learnware.worker.distill;

import io.learnware.spec.ModelFormat;
import io.learnware.spec.Task;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelRuntime;
import io.learnware.worker.model.ModelSource;
import io.learnware.worker.model.RunnableModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The model being distilled, of any format the {@link ModelRuntime} loads, seen as a function from
 * input rows to outputs: a classifier's logits or a regressor's predictions. Distillation only
 * needs its outputs; the counts feed the report's ratios.
 */
public final class Teacher implements AutoCloseable {

  private final RunnableModel model;
  private final Task task;
  private final int outputDimension;
  private final long artifactBytes;

  private Teacher(RunnableModel model, Task task, int outputDimension, long artifactBytes) {
    this.model = model;
    this.task = task;
    this.outputDimension = outputDimension;
    this.artifactBytes = artifactBytes;
  }

  /** Loads a classifier: {@link #load(ModelSource, Task)} with {@link Task#CLASSIFICATION}. */
  public static Teacher load(ModelSource source) throws IOException, ModelException {
    return load(source, Task.CLASSIFICATION);
  }

  /**
   * Loads the teacher and checks that a row of zeros gives the source's output dimension.
   *
   * @param source with its output dimension (a classifier's classes, a regressor's outputs)
   * @param task {@link Task#CLASSIFICATION} or {@link Task#REGRESSION}: how students learn from it
   * @throws ModelException if it does not load, fails on such rows or has another number of outputs
   * @throws IllegalArgumentException for another task
   */
  public static Teacher load(ModelSource source, Task task) throws IOException, ModelException {
    if (task != Task.CLASSIFICATION && task != Task.REGRESSION) {
      throw new IllegalArgumentException(
          "only classifiers and regressors can be distilled, not " + task.jsonName());
    }
    int expected = source.requireOutputDimension();
    long bytes = source.artifactBytes();
    RunnableModel model = ModelRuntime.load(source);
    try {
      int outputs = model.predict(new float[source.inputShape().size()], 1).length;
      if (outputs != expected) {
        throw new ModelException(
            "the model gives %d outputs per row; its specification says %d %s"
                .formatted(outputs, expected, task == Task.CLASSIFICATION ? "classes" : "outputs"));
      }
      return new Teacher(model, task, expected, bytes);
    } catch (ModelException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** {@link #load} of a classifier in a file with nothing else to declare, e.g. in tests. */
  public static Teacher load(Path artifact, ModelFormat format, InputShape input, int classes)
      throws IOException, ModelException {
    return load(artifact, format, input, classes, Task.CLASSIFICATION);
  }

  /** {@link #load(ModelSource, Task)} of a file with nothing else to declare, e.g. in tests. */
  public static Teacher load(
      Path artifact, ModelFormat format, InputShape input, int outputs, Task task)
      throws IOException, ModelException {
    return load(
        ModelSource.builder()
            .setArtifact(artifact)
            .setFormat(format)
            .setInputShape(input)
            .optOutputDimension(outputs)
            .build(),
        task);
  }

  /** What the teacher's outputs mean: class logits or regression targets. */
  public Task task() {
    return task;
  }

  /** Numbers per input row. */
  public int inputDimension() {
    return model.inputShape().size();
  }

  /** One sample's shape; rows are flattened to {@link #inputDimension()} numbers in its order. */
  public InputShape inputShape() {
    return model.inputShape();
  }

  /** Outputs per row: one logit per class, or a regressor's predicted values. */
  public int outputDimension() {
    return outputDimension;
  }

  /**
   * Outputs (a classifier's logits) for {@code rows} inputs.
   *
   * @param inputs {@code rows × inputDimension()} numbers, row after row
   * @return {@code rows × outputDimension()} numbers, row after row
   * @throws IllegalArgumentException if the model fails on these rows or returns another number of
   *     outputs
   */
  public float[] outputs(float[] inputs, int rows) {
    float[] out;
    try {
      out = model.predict(inputs, rows);
    } catch (ModelException e) {
      throw new IllegalArgumentException(
          "the teacher fails on the transfer set: " + e.getMessage(), e);
    }
    if (out.length != rows * outputDimension) {
      throw new IllegalArgumentException(
          "the teacher gave %d outputs for %d rows of %d outputs"
              .formatted(out.length, rows, outputDimension));
    }
    return out;
  }

  /** How many numbers the model holds, when its format says. */
  public OptionalLong parameterCount() {
    return model.parameterCount();
  }

  /** The size of the model's artifact in bytes. */
  public long artifactBytes() {
    return artifactBytes;
  }

  @Override
  public void close() {
    model.close();
  }
}
