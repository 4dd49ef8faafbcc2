package io.learnware.worker.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.rkme.Matrix;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * A model that carries its own graph, loaded with DJL offline: TorchScript on the PyTorch engine,
 * ONNX on the ONNX Runtime engine (CPU). Not thread-safe: use one instance per thread.
 *
 * <p>Every batch runs in its own sub-manager of the model's manager that is closed when the batch
 * is done, so native memory stays flat however many batches run.
 */
public final class LoadedModel implements RunnableModel {

  private final Model model;
  private final ModelFormat format;
  private final Block block;
  private final InputShape inputShape;
  private final ParameterStore parameterStore;
  private final OptionalLong parameterCount;
  private final Path workDir;
  private Differentiable differentiable;

  private LoadedModel(
      Model model,
      ModelFormat format,
      InputShape inputShape,
      OptionalLong parameterCount,
      Path workDir) {
    this.model = model;
    this.format = format;
    this.block = model.getBlock();
    this.inputShape = inputShape;
    this.parameterStore = new ParameterStore(model.getNDManager(), false);
    this.parameterCount = parameterCount;
    this.workDir = workDir;
  }

  /** Loads TorchScript files ({@code torchscript}). */
  public static final class TorchScriptLoader implements ModelLoader {
    @Override
    public ModelFormat format() {
      return ModelFormat.TORCHSCRIPT;
    }

    @Override
    public java.util.Set<String> architectures() {
      return java.util.Set.of();
    }

    @Override
    public RunnableModel load(ModelSource source) throws ModelException {
      return torchScript(source.artifact(), source.inputShape(), source.device());
    }
  }

  /** Loads ONNX files ({@code onnx}) on the CPU. */
  public static final class OnnxLoader implements ModelLoader {
    @Override
    public ModelFormat format() {
      return ModelFormat.ONNX;
    }

    @Override
    public java.util.Set<String> architectures() {
      return java.util.Set.of();
    }

    @Override
    public Device device(Device requested) {
      return Device.cpu();
    }

    @Override
    public RunnableModel load(ModelSource source) throws ModelException {
      return onnx(source.artifact(), source.inputShape());
    }
  }

  /**
   * Loads a TorchScript module with trainable parameters: inference runs under InferenceMode all
   * the same, and {@link #differentiable()} needs parameters that can be saved for backward.
   */
  static LoadedModel torchScript(Path artifact, InputShape inputShape, Device device)
      throws ModelException {
    PyTorch.engine();
    Model model = Model.newInstance("learnware", device, PyTorch.ENGINE);
    try {
      // mapLocation: a module saved on a GPU loads onto this worker's device.
      model.load(artifact, null, Map.of("mapLocation", "true", "trainParam", "true"));
      long parameters = ParameterCounts.of(model.getBlock());
      return new LoadedModel(
          model, ModelFormat.TORCHSCRIPT, inputShape, OptionalLong.of(parameters), null);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new ModelException(
          "the model file is not a TorchScript module PyTorch can load",
          EngineMessages.summary(e),
          e);
    }
  }

  /**
   * ONNX Runtime through DJL wants a {@code .onnx} file; artifacts are cached under their SHA-256
   * without an extension, so the file is linked (or, where links are not allowed, copied) as {@code
   * model.onnx} into a temporary directory that {@link #close()} deletes.
   */
  static LoadedModel onnx(Path artifact, InputShape inputShape) throws ModelException {
    Path dir;
    try {
      dir = Files.createTempDirectory("learnware-onnx-");
    } catch (IOException e) {
      throw new ModelException("cannot create a directory for the ONNX model: " + e, e);
    }
    Model model = null;
    try {
      Path file = dir.resolve("model.onnx");
      try {
        Files.createSymbolicLink(file, artifact.toAbsolutePath());
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(artifact, file);
      }
      OnnxRuntime.engine();
      model = Model.newInstance("learnware", Device.cpu(), OnnxRuntime.ENGINE);
      model.load(dir, "model", OnnxRuntime.sessionOptions());
      return new LoadedModel(
          model, ModelFormat.ONNX, inputShape, OnnxInitializers.count(artifact), dir);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      if (model != null) {
        model.close();
      }
      deleteDirectory(dir);
      throw new ModelException(
          "the model file is not an ONNX model ONNX Runtime can load",
          EngineMessages.summary(e),
          e);
    }
  }

  private static void deleteDirectory(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // A leftover temporary directory is harmless; the model itself is closed.
    }
  }

  @Override
  public Device device() {
    return model.getNDManager().getDevice();
  }

  @Override
  public InputShape inputShape() {
    return inputShape;
  }

  @Override
  public ModelFormat format() {
    return format;
  }

  /**
   * TorchScript: the trainable numbers in the module's parameters (buffers are not parameters).
   * ONNX: the values in the graph's initializers, read from the file (DJL's ONNX Runtime block
   * exposes no parameters); empty when they cannot be counted.
   */
  @Override
  public OptionalLong parameterCount() {
    return parameterCount;
  }

  @Override
  public float[] predict(float[] inputs, int rows) throws ModelException {
    return predict(inputs, rows, DEFAULT_BATCH_SIZE);
  }

  /**
   * The model's outputs for every sample, {@code batchSize} rows per forward pass.
   *
   * @throws ModelException when the model fails on the input or returns something other than one
   *     {@code [n, k]} tensor
   */
  float[][] predict(Matrix samples, int batchSize) throws ModelException {
    if (samples.columns() != inputShape.size()) {
      throw new IllegalArgumentException(
          "samples have %d numbers each; the model's input %s needs %d"
              .formatted(samples.columns(), inputShape.describeBatch(), inputShape.size()));
    }
    float[] flat = predict(samples.toFloatArray(), samples.rows(), batchSize);
    float[][] out = new float[samples.rows()][];
    int k = samples.rows() == 0 ? 0 : flat.length / samples.rows();
    for (int i = 0; i < out.length; i++) {
      out[i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
    }
    return out;
  }

  private float[] predict(float[] inputs, int rows, int batchSize) throws ModelException {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    int d = inputShape.size();
    float[] out = null;
    int k = 0;
    for (int start = 0; start < rows; start += batchSize) {
      int n = Math.min(rows, start + batchSize) - start;
      try (NDManager batch = model.getNDManager().newSubManager()) {
        NDArray x = batch.create(FloatBuffer.wrap(inputs, start * d, n * d), inputShape.batch(n));
        float[] chunk = forward(x).toFloatArray();
        if (out == null) {
          k = chunk.length / n;
          out = new float[rows * k];
        }
        if (chunk.length != n * k) {
          throw new ModelException(
              "the model returned %d outputs per sample for one batch and %d for another"
                  .formatted(k, chunk.length / n));
        }
        System.arraycopy(chunk, 0, out, start * k, chunk.length);
      }
    }
    return out == null ? new float[0] : out;
  }

  /** Runs the network (inference mode) on one batch; the output is in the input's manager. */
  private NDArray forward(NDArray input) throws ModelException {
    NDList outputs;
    try {
      outputs = block.forward(parameterStore, new NDList(input), false);
    } catch (RuntimeException e) {
      throw new ModelException(
          "the model fails on input of shape %s".formatted(inputShape.describeBatch()),
          EngineMessages.summary(e),
          e);
    }
    return BlockGradients.logits(outputs, input.getShape().get(0));
  }

  @Override
  public Backbone backbone() throws CapabilityException {
    throw new CapabilityException(
        format == ModelFormat.ONNX
            ? "this worker cannot cut an ONNX graph at its last layer; the specification can"
                + " declare a feature extractor (model.featureExtractor: a TorchScript file and its"
                + " output dimension)"
            : "DJL cannot remove the last layer of a TorchScript module; the specification can"
                + " declare a feature extractor (model.featureExtractor: a TorchScript file and its"
                + " output dimension)");
  }

  @Override
  public Differentiable differentiable() throws CapabilityException {
    if (format == ModelFormat.ONNX) {
      throw new CapabilityException(
          "no gradients through an ONNX graph: ONNX Runtime runs inference only");
    }
    if (differentiable == null) {
      differentiable = new BlockGradients(model.getNDManager(), block, inputShape);
    }
    return differentiable;
  }

  @Override
  public void close() {
    try {
      model.close();
    } finally {
      deleteDirectory(workDir);
    }
  }

  /** The temporary directory holding an ONNX model's {@code model.onnx}; null for TorchScript. */
  Path workDir() {
    return workDir;
  }

  /** Arrays still attached to the model's manager: its parameters plus anything leaked. */
  int liveArrays() {
    return model.getNDManager().getManagedArrays().size();
  }
}
