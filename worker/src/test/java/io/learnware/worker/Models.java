package io.learnware.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.ModelFormat;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelRuntime;
import io.learnware.worker.model.ModelSource;
import io.learnware.worker.model.RunnableModel;
import java.nio.file.Path;

/** Loads models through the worker's {@link ModelRuntime}, on the CPU, for tests. */
public final class Models {

  private Models() {}

  /** A model rebuilt from {@code model.architecture} (djl, xgboost). */
  public static RunnableModel load(
      Path artifact, ModelFormat format, JsonNode architecture, InputShape input, int outputs)
      throws ModelException {
    return ModelRuntime.load(
        ModelSource.builder()
            .setArtifact(artifact)
            .setFormat(format)
            .optArchitecture(architecture)
            .setInputShape(input)
            .optOutputDimension(outputs)
            .build());
  }

  /** A model that carries its graph (torchscript, onnx). */
  public static RunnableModel load(Path artifact, ModelFormat format, InputShape input)
      throws ModelException {
    return ModelRuntime.load(
        ModelSource.builder().setArtifact(artifact).setFormat(format).setInputShape(input).build());
  }
}
