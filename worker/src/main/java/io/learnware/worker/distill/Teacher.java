package io.learnware.worker.distill;

import io.learnware.spec.ModelFormat;
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
 * input rows to logits. Distillation only needs its outputs; the counts feed the report's ratios.
 */
public final class Teacher implements AutoCloseable {

  private final RunnableModel model;
  private final int outputDimension;
  private final long artifactBytes;

  private Teacher(RunnableModel model, int outputDimension, long artifactBytes) {
    this.model = model;
    this.outputDimension = outputDimension;
    this.artifactBytes = artifactBytes;
  }

  /**
   * Loads the teacher and checks that a row of zeros gives the source's output dimension.
   *
   * @param source with its output dimension (the teacher's classes)
   * @throws ModelException if it does not load, fails on such rows or has another number of outputs
   */
  public static Teacher load(ModelSource source) throws IOException, ModelException {
    int classes = source.requireOutputDimension();
    long bytes = source.artifactBytes();
    RunnableModel model = ModelRuntime.load(source);
    try {
      int outputs = model.predict(new float[source.inputShape().size()], 1).length;
      if (outputs != classes) {
        throw new ModelException(
            "the model gives %d outputs per row; its specification says %d classes"
                .formatted(outputs, classes));
      }
      return new Teacher(model, classes, bytes);
    } catch (ModelException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** {@link #load} for a file of {@code format} with nothing else to declare, e.g. in tests. */
  public static Teacher load(Path artifact, ModelFormat format, InputShape input, int classes)
      throws IOException, ModelException {
    return load(
        ModelSource.builder()
            .setArtifact(artifact)
            .setFormat(format)
            .setInputShape(input)
            .optOutputDimension(classes)
            .build());
  }

  /** Numbers per input row. */
  public int inputDimension() {
    return model.inputShape().size();
  }

  /** One sample's shape; rows are flattened to {@link #inputDimension()} numbers in its order. */
  public InputShape inputShape() {
    return model.inputShape();
  }

  /** Logits per row, one per class. */
  public int outputDimension() {
    return outputDimension;
  }

  /**
   * Logits for {@code rows} inputs.
   *
   * @param inputs {@code rows × inputDimension()} numbers, row after row
   * @return {@code rows × outputDimension()} logits, row after row
   * @throws IllegalArgumentException if the model fails on these rows or returns another number of
   *     outputs
   */
  public float[] logits(float[] inputs, int rows) {
    float[] out;
    try {
      out = model.predict(inputs, rows);
    } catch (ModelException e) {
      throw new IllegalArgumentException(
          "the teacher fails on the transfer set: " + e.getMessage(), e);
    }
    if (out.length != rows * outputDimension) {
      throw new IllegalArgumentException(
          "the teacher gave %d outputs for %d rows of %d classes"
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
