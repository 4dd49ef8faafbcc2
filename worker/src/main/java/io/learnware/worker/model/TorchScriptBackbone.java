package io.learnware.worker.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A feature extractor a learnware declares in {@code model.featureExtractor}: a TorchScript module
 * from inputs to {@code dimension} features, loaded with trainable parameters so that it can be
 * fine-tuned as well as kept frozen.
 */
public final class TorchScriptBackbone implements Backbone, AutoCloseable {

  /** The architecture's {@code backbone.type}. */
  public static final String TYPE = "torchscript";

  private static final String NAME = "features";
  private static final int INFERENCE_ROWS = 1024;

  private final Model model;
  private final ParameterStore parameterStore;
  private final InputShape input;
  private final int dimension;

  private TorchScriptBackbone(Model model, InputShape input, int dimension) {
    this.model = model;
    this.parameterStore = new ParameterStore(model.getNDManager(), false);
    this.input = input;
    this.dimension = dimension;
  }

  /**
   * Loads {@code file} and checks that it turns a sample of {@code input} into {@code dimension}
   * features.
   *
   * @throws ModelException when the file is no TorchScript module or returns another shape
   */
  public static TorchScriptBackbone load(Path file, InputShape input, int dimension, Device device)
      throws ModelException {
    Path dir;
    try {
      dir = Files.createTempDirectory("backbone");
    } catch (IOException e) {
      throw new ModelException("cannot create a directory for the feature extractor: " + e, e);
    }
    Path named = dir.resolve(NAME + ".pt");
    PyTorch.engine();
    Model model = Model.newInstance(NAME, device, PyTorch.ENGINE);
    try {
      Files.createSymbolicLink(named, file.toAbsolutePath());
      // Trainable parameters, so that fine-tuning gets gradients for them.
      model.load(dir, NAME, Map.of("trainParam", "true"));
      TorchScriptBackbone backbone = new TorchScriptBackbone(model, input, dimension);
      backbone.checkDimension();
      return backbone;
    } catch (IOException | MalformedModelException | EngineException e) {
      model.close();
      throw new ModelException(
          "the feature extractor does not load as TorchScript: " + e.getMessage(), e);
    } catch (ModelException | RuntimeException e) {
      model.close();
      throw e;
    } finally {
      try {
        Files.deleteIfExists(named);
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // A leftover link in the temporary directory is harmless.
      }
    }
  }

  private void checkDimension() throws ModelException {
    long size;
    try (NDManager scope = model.getNDManager().newSubManager()) {
      NDArray probe = scope.zeros(input.batch(2));
      size = forward(probe).size() / 2;
    } catch (EngineException e) {
      throw new ModelException(
          "the feature extractor does not run on %s: %s"
              .formatted(input.describeBatch(), e.getMessage()),
          e);
    }
    if (size != dimension) {
      throw new ModelException(
          "the feature extractor returns %d features per sample; the specification declares %d"
              .formatted(size, dimension));
    }
  }

  private NDArray forward(NDArray x) {
    NDArray out = model.getBlock().forward(parameterStore, new NDList(x), false).singletonOrThrow();
    return out.reshape(x.getShape().get(0), -1);
  }

  @Override
  public InputShape input() {
    return input;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public Block block() {
    return model.getBlock();
  }

  @Override
  public float[] features(float[] inputs, int rows) {
    return Batches.forward(
        model.getNDManager(), inputs, rows, input, dimension, INFERENCE_ROWS, this::forward);
  }

  @Override
  public ObjectNode architecture() {
    return JsonNodeFactory.instance.objectNode().put("type", TYPE).put("dimension", dimension);
  }

  @Override
  public void close() {
    model.close();
  }
}
