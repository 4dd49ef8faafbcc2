package io.learnware.worker.model;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.FeatureExtractorSpec;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What {@link ModelRuntime#load} needs to load a model: its artifact, the format and architecture
 * that decide how, one sample's shape and, where the format needs it, the number of outputs.
 *
 * <pre>{@code
 * ModelSource source = ModelSource.forSpec(spec, artifact)     // format, architecture, shapes
 *     .optFiles(context.sourceFiles())                          // e.g. a declared features.pt
 *     .optDevice(device)
 *     .build();
 * }</pre>
 *
 * <p>Jobs build theirs from their downloaded inputs with {@code JobContext.modelSource(device)} and
 * {@code SourceInputs.modelSource(device)}, which add a published ensemble's members.
 *
 * @param artifact the model file
 * @param format how it is serialised ({@code model.format})
 * @param architecture what to rebuild before loading parameters ({@code model.architecture}), or
 *     {@code null} for formats that carry their graph (TorchScript, ONNX)
 * @param inputShape one sample's shape
 * @param outputDimension outputs per sample when known (the specification's {@code
 *     output.dimension}); the market's own networks need it to rebuild their last layer
 * @param featureExtractor a declared feature extractor ({@code model.featureExtractor}), or null
 * @param files the version's other files by name, where a declared feature extractor is found
 * @param device where the model runs; formats that run on the CPU only ignore it
 * @param task what the outputs mean ({@code task}), or null when not known
 * @param learnware the version this is, {@code owner/name@version}, or null when not known; a
 *     published ensemble checks its members by it
 * @param members a published ensemble's members ({@code model.format} {@code ensemble}), in the
 *     order of its manifest, each loadable on its own; empty for every other format
 */
public record ModelSource(
    Path artifact,
    ModelFormat format,
    JsonNode architecture,
    InputShape inputShape,
    OptionalInt outputDimension,
    FeatureExtractorSpec featureExtractor,
    Map<String, Path> files,
    Device device,
    Task task,
    String learnware,
    List<ModelSource> members) {

  public ModelSource {
    files = Map.copyOf(files);
    members = List.copyOf(members);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder with everything a specification says: format, architecture, input shape, output
   * dimension, task and feature extractor.
   *
   * @throws ModelException when the specification has no model format or no input shape this worker
   *     can run (e.g. text)
   */
  public static Builder forSpec(LearnwareSpec spec, Path artifact) throws ModelException {
    if (spec.model() == null || spec.model().format() == null) {
      throw new ModelException("the specification declares no model.format");
    }
    Builder builder =
        builder()
            .setArtifact(artifact)
            .setFormat(spec.model().format())
            .setInputShape(InputShape.of(spec))
            .optArchitecture(spec.model().architecture())
            .optFeatureExtractor(spec.model().featureExtractor())
            .optTask(spec.task());
    if (spec.output() != null && spec.output().dimension() > 0) {
      builder.optOutputDimension(spec.output().dimension());
    }
    return builder;
  }

  /**
   * The model's size on disk: its artifact and, for a published ensemble, its members' artifacts
   * (the ensemble's own file only names them).
   */
  public long artifactBytes() throws IOException {
    long bytes = Files.size(artifact);
    for (ModelSource member : members) {
      bytes += member.artifactBytes();
    }
    return bytes;
  }

  /** The output dimension, for formats that cannot be loaded without it. */
  public int requireOutputDimension() throws ModelException {
    if (outputDimension.isEmpty()) {
      throw new ModelException(
          "a %s model needs its output dimension to be loaded".formatted(format.jsonName()));
    }
    return outputDimension.getAsInt();
  }

  /** Collects and checks a {@link ModelSource}. */
  public static final class Builder {
    private Path artifact;
    private ModelFormat format;
    private JsonNode architecture;
    private InputShape inputShape;
    private OptionalInt outputDimension = OptionalInt.empty();
    private FeatureExtractorSpec featureExtractor;
    private Map<String, Path> files = Map.of();
    private Device device = Device.cpu();
    private Task task;
    private String learnware;
    private List<ModelSource> members = List.of();

    private Builder() {}

    public Builder setArtifact(Path artifact) {
      this.artifact = Objects.requireNonNull(artifact, "artifact");
      return this;
    }

    public Builder setFormat(ModelFormat format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    public Builder setInputShape(InputShape inputShape) {
      this.inputShape = Objects.requireNonNull(inputShape, "inputShape");
      return this;
    }

    /** {@code model.architecture}; null is none. */
    public Builder optArchitecture(JsonNode architecture) {
      this.architecture = architecture == null || architecture.isNull() ? null : architecture;
      return this;
    }

    public Builder optOutputDimension(int outputs) {
      if (outputs < 1) {
        throw new IllegalArgumentException("the output dimension must be positive, got " + outputs);
      }
      this.outputDimension = OptionalInt.of(outputs);
      return this;
    }

    /** {@code model.featureExtractor}; null is none. */
    public Builder optFeatureExtractor(FeatureExtractorSpec featureExtractor) {
      this.featureExtractor = featureExtractor;
      return this;
    }

    public Builder optFiles(Map<String, Path> files) {
      this.files = Objects.requireNonNull(files, "files");
      return this;
    }

    /** Default: the CPU. */
    public Builder optDevice(Device device) {
      this.device = Objects.requireNonNull(device, "device");
      return this;
    }

    /** {@code task}; null is not known. */
    public Builder optTask(Task task) {
      this.task = task;
      return this;
    }

    /** {@code owner/name@version}; null is not known. */
    public Builder optLearnware(String learnware) {
      this.learnware = learnware;
      return this;
    }

    /** A published ensemble's members, in its manifest's order. */
    public Builder optMembers(List<ModelSource> members) {
      this.members = Objects.requireNonNull(members, "members");
      return this;
    }

    /**
     * @throws IllegalStateException when the artifact, format or input shape is missing
     */
    public ModelSource build() {
      if (artifact == null || format == null || inputShape == null) {
        throw new IllegalStateException("setArtifact, setFormat and setInputShape are required");
      }
      return new ModelSource(
          artifact,
          format,
          architecture,
          inputShape,
          outputDimension,
          featureExtractor,
          files,
          device,
          task,
          learnware,
          members);
    }
  }
}
