package io.learnware.worker.model;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.ModelFormat;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one way the worker loads a model: the {@link ModelLoader} registered for the source's {@code
 * model.format} (and {@code model.architecture.type}, for the formats the market rebuilds) loads
 * it, and a declared {@code model.featureExtractor} becomes its backbone whatever the format.
 *
 * <pre>{@code
 * try (RunnableModel model = ModelRuntime.load(ModelSource.forSpec(spec, artifact).build())) {
 *   float[][] logits = model.predict(x);
 * }
 * }</pre>
 *
 * See docs/formats.md for what each format offers each job.
 */
public final class ModelRuntime {

  private static final List<ModelLoader> LOADERS =
      ServiceLoader.load(ModelLoader.class).stream().map(ServiceLoader.Provider::get).toList();

  private ModelRuntime() {}

  /**
   * Loads a model.
   *
   * @throws ModelException when no loader reads the format and architecture, the artifact does not
   *     exist, or it does not load
   */
  public static RunnableModel load(ModelSource source) throws ModelException {
    ModelLoader loader = loader(source.format(), source.architecture());
    if (!Files.isRegularFile(source.artifact())) {
      throw new ModelException("the model file %s does not exist".formatted(source.artifact()));
    }
    RunnableModel model = loader.load(source);
    return source.featureExtractor() == null ? model : new DeclaredFeatures(model, source);
  }

  /** The formats some loader reads. */
  public static Set<ModelFormat> formats() {
    Set<ModelFormat> formats = EnumSet.noneOf(ModelFormat.class);
    LOADERS.forEach(loader -> formats.add(loader.format()));
    return formats;
  }

  /** Where a model of {@code format} runs when {@code requested} is asked for. */
  public static Device effectiveDevice(ModelFormat format, Device requested) {
    return LOADERS.stream()
        .filter(loader -> loader.format() == format)
        .findFirst()
        .map(loader -> loader.device(requested))
        .orElse(requested);
  }

  /**
   * The loader for a format and architecture.
   *
   * @throws ModelException when there is none, saying what the format takes
   */
  private static ModelLoader loader(ModelFormat format, JsonNode architecture)
      throws ModelException {
    List<ModelLoader> candidates =
        LOADERS.stream().filter(loader -> loader.format() == format).toList();
    if (candidates.isEmpty()) {
      throw new ModelException(
          "model.format %s cannot be run by this worker".formatted(format.jsonName()));
    }
    TreeSet<String> types = new TreeSet<>();
    candidates.forEach(loader -> types.addAll(loader.architectures()));
    if (types.isEmpty()) {
      return candidates.getFirst();
    }
    String type = architecture == null ? null : architecture.path("type").asText(null);
    if (type == null) {
      throw new ModelException(
          "model.architecture is required for %s models (type %s)"
              .formatted(format.jsonName(), String.join(", ", types)));
    }
    for (ModelLoader loader : candidates) {
      if (loader.architectures().contains(type)) {
        return loader;
      }
    }
    throw new ModelException(
        "a %s model cannot have format %s; %s models are of type %s"
            .formatted(type, format.jsonName(), format.jsonName(), String.join(", ", types)));
  }
}
