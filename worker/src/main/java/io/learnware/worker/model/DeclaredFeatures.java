package io.learnware.worker.model;

import ai.djl.Device;
import io.learnware.spec.FeatureExtractorSpec;
import io.learnware.spec.ModelFormat;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A model whose specification declares its feature extractor ({@code model.featureExtractor}, a
 * TorchScript file among the version's files): that file is its backbone, loaded when first asked
 * for, whatever the model's own format. Everything else is the model's.
 */
final class DeclaredFeatures implements RunnableModel {

  private final RunnableModel model;
  private final ModelSource source;
  private TorchScriptBackbone backbone;

  DeclaredFeatures(RunnableModel model, ModelSource source) {
    this.model = model;
    this.source = source;
  }

  @Override
  public Backbone backbone() throws ModelException {
    if (backbone == null) {
      FeatureExtractorSpec extractor = source.featureExtractor();
      Path file = source.files().get(extractor.file());
      if (file == null) {
        throw new ModelException(
            ("the specification declares the feature extractor \"%s\", but the version has no"
                    + " such file")
                .formatted(extractor.file()));
      }
      backbone =
          TorchScriptBackbone.load(
              file, source.inputShape(), extractor.dimension(), model.device());
    }
    return backbone;
  }

  @Override
  public ModelFormat format() {
    return model.format();
  }

  @Override
  public InputShape inputShape() {
    return model.inputShape();
  }

  @Override
  public Device device() {
    return model.device();
  }

  @Override
  public OptionalLong parameterCount() {
    return model.parameterCount();
  }

  @Override
  public float[] predict(float[] inputs, int rows) throws ModelException {
    return model.predict(inputs, rows);
  }

  @Override
  public Differentiable differentiable() throws ModelException {
    return model.differentiable();
  }

  @Override
  public void close() {
    try {
      if (backbone != null) {
        backbone.close();
      }
    } finally {
      model.close();
    }
  }
}
