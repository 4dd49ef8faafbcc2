package io.learnware.worker.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import io.learnware.spec.ModelFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A loaded DJL network the market built (a distilled student, a transferred model) as a {@link
 * RunnableModel}. Running it, its gradients and closing it do not depend on the network, so they
 * are here once; subclasses build and check the block and say what its backbone is.
 */
public abstract class DjlBlockModel implements RunnableModel {

  protected final Model model;
  protected final ParameterStore parameterStore;
  protected final InputShape input;

  /** Outputs per row. */
  protected final int classes;

  private final int inferenceRows;
  private Differentiable differentiable;

  /**
   * @param model the loaded network; closed with this
   * @param inferenceRows rows per forward pass of {@link #predict}
   */
  protected DjlBlockModel(Model model, InputShape input, int classes, int inferenceRows) {
    this.model = model;
    this.parameterStore = new ParameterStore(model.getNDManager(), false);
    this.input = input;
    this.classes = classes;
    this.inferenceRows = inferenceRows;
  }

  /**
   * Loads a DJL parameter file into {@code model}'s block. {@code Model.load} finds parameters by
   * DJL's naming scheme only, so the artifact, under any file name, is linked as {@code
   * <name>-0000.params} in a directory of its own while it loads.
   */
  protected static void loadParameters(Model model, Path artifact)
      throws IOException, MalformedModelException {
    Path dir = Files.createTempDirectory("djl-" + model.getName());
    Path named = dir.resolve(model.getName() + "-0000.params");
    try {
      Files.createSymbolicLink(named, artifact.toAbsolutePath());
      model.load(dir, model.getName());
    } finally {
      Files.deleteIfExists(named);
      Files.deleteIfExists(dir);
    }
  }

  @Override
  public float[] predict(float[] inputs, int rows) {
    return Batches.forward(
        model.getNDManager(),
        inputs,
        rows,
        input,
        classes,
        inferenceRows,
        x -> model.getBlock().forward(parameterStore, new NDList(x), false).singletonOrThrow());
  }

  @Override
  public ModelFormat format() {
    return ModelFormat.DJL;
  }

  @Override
  public InputShape inputShape() {
    return input;
  }

  @Override
  public Device device() {
    return model.getNDManager().getDevice();
  }

  @Override
  public OptionalLong parameterCount() {
    return OptionalLong.of(ParameterCounts.of(model.getBlock()));
  }

  @Override
  public Differentiable differentiable() {
    if (differentiable == null) {
      differentiable = new BlockGradients(model.getNDManager(), model.getBlock(), input);
    }
    return differentiable;
  }

  @Override
  public void close() {
    model.close();
  }
}
