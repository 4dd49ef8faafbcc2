package io.learnware.worker.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.rkme.Matrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * A model loaded with DJL, offline, for batch inference on a {@link Matrix} of samples: TorchScript
 * on the PyTorch engine, ONNX on the ONNX Runtime engine (CPU). Not thread-safe: use one instance
 * per thread.
 *
 * <p>Every batch runs in its own sub-manager of the model's manager that is closed when the batch
 * is done, so native memory stays flat however many batches run.
 */
public final class LoadedModel implements AutoCloseable {

  /** Rows per forward pass of {@link #predict(Matrix)}. */
  public static final int DEFAULT_BATCH_SIZE = 256;

  private final Model model;
  private final ModelFormat format;
  private final Block block;
  private final InputShape inputShape;
  private final ParameterStore parameterStore;
  private final OptionalLong parameterCount;
  private final Path workDir;

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

  /**
   * Loads the model artifact of a learnware version, in the specification's {@code model.format}.
   *
   * @throws ModelException when the specification's format is neither TorchScript nor ONNX, its
   *     input shape is missing, or the artifact does not load
   */
  public static LoadedModel load(Path artifact, LearnwareSpec spec, Device device)
      throws ModelException {
    ModelFormat format = spec.model() == null ? null : spec.model().format();
    if (!supports(format)) {
      throw new ModelException(
          "model.format %s cannot be run by this worker (only torchscript and onnx)"
              .formatted(format == null ? "(missing)" : format.jsonName()));
    }
    return load(artifact, format, InputShape.of(spec), device);
  }

  /** Whether this worker can load models of {@code format} (TorchScript or ONNX). */
  public static boolean supports(ModelFormat format) {
    return format == ModelFormat.TORCHSCRIPT || format == ModelFormat.ONNX;
  }

  /** The device a model of {@code format} runs on when {@code requested} is asked for. */
  public static Device effectiveDevice(ModelFormat format, Device requested) {
    return format == ModelFormat.ONNX ? Device.cpu() : requested;
  }

  /**
   * Loads a TorchScript file for samples of {@code inputShape}.
   *
   * @throws ModelException when the file does not exist or is not a TorchScript module
   */
  public static LoadedModel load(Path artifact, InputShape inputShape, Device device)
      throws ModelException {
    return load(artifact, ModelFormat.TORCHSCRIPT, inputShape, device);
  }

  /**
   * Loads a TorchScript or ONNX file for samples of {@code inputShape}. ONNX models run on the CPU
   * whatever {@code device} says (see {@link #effectiveDevice}).
   *
   * @throws ModelException when the format is not supported, the file does not exist or does not
   *     load in that format
   */
  public static LoadedModel load(
      Path artifact, ModelFormat format, InputShape inputShape, Device device)
      throws ModelException {
    if (!Files.isRegularFile(artifact)) {
      throw new ModelException("the model file %s does not exist".formatted(artifact));
    }
    if (format == ModelFormat.TORCHSCRIPT) {
      return loadTorchScript(artifact, inputShape, device);
    }
    if (format == ModelFormat.ONNX) {
      return loadOnnx(artifact, inputShape);
    }
    throw new ModelException(
        "model.format %s cannot be run by this worker (only torchscript and onnx)"
            .formatted(format == null ? "(missing)" : format.jsonName()));
  }

  private static LoadedModel loadTorchScript(Path artifact, InputShape inputShape, Device device)
      throws ModelException {
    PyTorch.engine();
    Model model = Model.newInstance("learnware", device, PyTorch.ENGINE);
    try {
      // mapLocation: a module saved on a GPU loads onto this worker's device.
      model.load(artifact, null, Map.of("mapLocation", "true"));
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
  private static LoadedModel loadOnnx(Path artifact, InputShape inputShape) throws ModelException {
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

  public Device device() {
    return model.getNDManager().getDevice();
  }

  public InputShape inputShape() {
    return inputShape;
  }

  /** The format the model was loaded in: {@code TORCHSCRIPT} or {@code ONNX}. */
  public ModelFormat format() {
    return format;
  }

  /**
   * Number of parameter values. TorchScript: the trainable numbers in the module's parameters
   * (buffers are not parameters). ONNX: the values in the graph's initializers, read from the file
   * (DJL's ONNX Runtime block exposes no parameters); empty when they cannot be counted (e.g. the
   * weights are {@code Constant} nodes), never a misleading 0.
   */
  public OptionalLong parameterCount() {
    return parameterCount;
  }

  /** {@link #predict(Matrix, int)} in batches of {@value #DEFAULT_BATCH_SIZE}. */
  public float[][] predict(Matrix samples) throws ModelException {
    return predict(samples, DEFAULT_BATCH_SIZE);
  }

  /**
   * The model's outputs (logits for a classifier) for every sample.
   *
   * @param samples one sample per row, {@link InputShape#size()} numbers flattened channel-major
   * @param batchSize rows per forward pass
   * @return one output vector per sample
   * @throws ModelException when the model fails on the input or returns something other than one
   *     {@code [n, k]} tensor
   */
  public float[][] predict(Matrix samples, int batchSize) throws ModelException {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
    float[][] outputs = new float[samples.rows()][];
    for (int start = 0; start < samples.rows(); start += batchSize) {
      int end = Math.min(samples.rows(), start + batchSize);
      try (NDManager batch = newBatchManager()) {
        NDArray result = forward(input(batch, samples, start, end));
        int k = Math.toIntExact(result.getShape().get(1));
        float[] flat = result.toFloatArray();
        for (int i = 0; i < end - start; i++) {
          outputs[start + i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
        }
      }
    }
    return outputs;
  }

  /**
   * A manager on this model's device for one batch's arrays; close it when the batch is done.
   * Outputs of {@link #forward} belong to the manager of their input.
   */
  public NDManager newBatchManager() {
    return model.getNDManager().newSubManager();
  }

  /**
   * Rows {@code from..to-1} of {@code samples} as a float32 network input of shape {@code [to −
   * from, …dims]} in {@code manager}.
   */
  public NDArray input(NDManager manager, Matrix samples, int from, int to) {
    if (samples.columns() != inputShape.size()) {
      throw new IllegalArgumentException(
          "samples have %d numbers each; the model's input %s needs %d"
              .formatted(samples.columns(), inputShape.describeBatch(), inputShape.size()));
    }
    int d = samples.columns();
    float[] values = new float[(to - from) * d];
    double[] data = samples.data();
    for (int i = 0, o = from * d; i < values.length; i++) {
      values[i] = (float) data[o + i];
    }
    return manager.create(values, inputShape.batch(to - from));
  }

  /**
   * Runs the network (inference mode) on one batch of shape {@code [n, …dims]}.
   *
   * @return the float32 output of shape {@code [n, k]}, in the input's manager
   * @throws ModelException when the model fails on the input or returns something other than one
   *     {@code [n, k]} tensor
   */
  public NDArray forward(NDArray input) throws ModelException {
    long n = input.getShape().get(0);
    NDList outputs;
    try {
      outputs = block.forward(parameterStore, new NDList(input), false);
    } catch (RuntimeException e) {
      throw new ModelException(
          "the model fails on input of shape %s".formatted(inputShape.describeBatch()),
          EngineMessages.summary(e),
          e);
    }
    if (outputs.size() != 1) {
      throw new ModelException(
          "the model returned %d tensors; expected one tensor of shape [n, k]"
              .formatted(outputs.size()));
    }
    NDArray output = outputs.head();
    Shape shape = output.getShape();
    if (shape.dimension() != 2 || shape.get(0) != n) {
      throw new ModelException(
          "the model returned shape %s for %d samples; expected [%d, k]"
              .formatted(Arrays.toString(shape.getShape()), n, n));
    }
    return output.getDataType() == DataType.FLOAT32
        ? output
        : output.toType(DataType.FLOAT32, false);
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
