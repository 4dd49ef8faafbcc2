package io.learnware.worker.distill;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.ModelFormat;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.transfer.TransferredModel;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads the models the market's jobs build (distilled students and transferred models), from their
 * artifact and specification.
 */
public final class Students {

  private Students() {}

  /**
   * Rebuilds a student from its {@code model.format} and {@code model.architecture} and loads its
   * artifact.
   *
   * @param classes the specification's {@code output.dimension}
   * @param device where an mlp or cnn runs; trees always run on the CPU
   * @throws MalformedModelException if the format and architecture disagree, or the artifact does
   *     not fit them
   */
  public static Student load(
      Path artifact, ModelFormat format, JsonNode architecture, int classes, Device device)
      throws IOException, MalformedModelException {
    return load(artifact, format, architecture, null, classes, device);
  }

  /**
   * Like {@link #load(Path, ModelFormat, JsonNode, int, Device)}, for a student whose input shape
   * matters: a cnn student needs its image shape (channels × height × width).
   *
   * @param input one sample's shape, or {@code null} for a table student (MLPs and trees infer the
   *     width from the artifact)
   */
  public static Student load(
      Path artifact,
      ModelFormat format,
      JsonNode architecture,
      InputShape input,
      int classes,
      Device device)
      throws IOException, MalformedModelException {
    if (architecture == null || architecture.isNull()) {
      throw new MalformedModelException(
          "model.architecture is required for djl and xgboost models");
    }
    if (TransferredModel.describes(architecture) && format == ModelFormat.DJL) {
      if (input == null) {
        throw new MalformedModelException("a transferred model needs its input shape");
      }
      return TransferredModel.load(artifact, architecture, input, classes, device);
    }
    StudentSpec spec;
    try {
      spec = StudentSpec.parse(architecture);
    } catch (IllegalArgumentException e) {
      throw new MalformedModelException("model.architecture: " + e.getMessage(), e);
    }
    return switch (spec) {
      case StudentSpec.Mlp mlp when format == ModelFormat.DJL ->
          DjlStudent.load(artifact, mlp, input, classes, device);
      case StudentSpec.Cnn cnn when format == ModelFormat.DJL -> {
        if (input == null || input.dims().size() != 3) {
          throw new MalformedModelException(
              "a %s model needs image inputs (channels, height and width)"
                  .formatted(cnn.describe()));
        }
        yield DjlStudent.load(artifact, cnn, input, classes, device);
      }
      case StudentSpec.Gbdt gbdt when format == ModelFormat.XGBOOST ->
          GbdtStudent.load(artifact, classes);
      default ->
          throw new MalformedModelException(
              "a %s model cannot have format %s".formatted(spec.describe(), format.jsonName()));
    };
  }
}
