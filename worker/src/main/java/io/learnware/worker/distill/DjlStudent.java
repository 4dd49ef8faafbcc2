package io.learnware.worker.distill;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.learnware.spec.ModelFormat;
import io.learnware.worker.model.Backbone;
import io.learnware.worker.model.Batches;
import io.learnware.worker.model.BlockBackbone;
import io.learnware.worker.model.CapabilityException;
import io.learnware.worker.model.DjlBlockModel;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.IntraOpThreads;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelLoader;
import io.learnware.worker.model.ModelSource;
import io.learnware.worker.model.OutputScaling;
import io.learnware.worker.model.RunnableModel;
import io.learnware.worker.model.Training;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * A neural student built with DJL: an MLP ({@link StudentSpec.Mlp}, {@link Linear} layers with ReLU
 * between them) or a CNN ({@link StudentSpec.Cnn}, 3×3 {@link Conv2d} layers with ReLU and 2×2 max
 * pooling, then a {@link Linear} layer), trained with the PyTorch engine by one distillation loop
 * (a regressor's students by squared error on its standardised outputs, the standardisation folded
 * into the last layer) and saved with {@link Model#save} (a {@code .params} file that starts with
 * {@code DJL@}; format {@code djl}). Loaded, it is a {@link RunnableModel} with gradients and, when
 * it has layers before its last, a backbone.
 */
public final class DjlStudent extends DjlBlockModel {

  /** The artifact's file name in the output directory. */
  static final String FILE_NAME = "student.params";

  private static final String ENGINE = "PyTorch";
  private static final String MODEL_NAME = "student";
  private static final byte[] MAGIC = "DJL@".getBytes(StandardCharsets.US_ASCII);
  private static final int INFERENCE_ROWS = 4096;

  /** A CNN's convolutions are {@value}×{@value}, padded to keep the size. */
  private static final int KERNEL = 3;

  private static final int POOL_MIN_SIDE = 4;

  /**
   * Batches with fewer multiply-adds than this train on one intra-op thread (on this thread only;
   * restored afterwards). libtorch's MKL forks OpenMP threads even for tiny matrix products, and
   * when the cores are shared each fork waits for a descheduled thread: on the 2-core build machine
   * two threads lost to one at 2.4, 19 and 77 million multiply-adds per batch, by up to 50 times
   * for the smallest (docs/benchmarks.md). Above this, batches take milliseconds of arithmetic and
   * the configured threads are used.
   */
  static final long ONE_THREAD_WORK = 1L << 27;

  private final StudentSpec spec;
  private Backbone backbone;

  private DjlStudent(Model model, StudentSpec spec, InputShape input, int classes) {
    super(model, input, classes, INFERENCE_ROWS);
    this.spec = spec;
  }

  /** Loads the market's DJL networks of type {@code mlp} and {@code cnn}. */
  public static final class Loader implements ModelLoader {
    @Override
    public ModelFormat format() {
      return ModelFormat.DJL;
    }

    @Override
    public Set<String> architectures() {
      return Set.of(StudentSpec.Mlp.TYPE, StudentSpec.Cnn.TYPE);
    }

    @Override
    public RunnableModel load(ModelSource source) throws ModelException {
      StudentSpec spec;
      try {
        spec = StudentSpec.parse(source.architecture());
      } catch (IllegalArgumentException e) {
        throw new ModelException("model.architecture: " + e.getMessage(), e);
      }
      if (spec instanceof StudentSpec.Cnn cnn && source.inputShape().dims().size() != 3) {
        throw new ModelException(
            "a %s model needs image inputs (channels, height and width)".formatted(cnn.describe()));
      }
      try {
        return DjlStudent.load(
            source.artifact(),
            spec,
            source.inputShape(),
            source.requireOutputDimension(),
            source.device());
      } catch (IOException | MalformedModelException e) {
        throw new ModelException(e.getMessage(), e);
      }
    }
  }

  /** The block of an architecture; input sizes are inferred when it is initialised or loaded. */
  public static SequentialBlock block(StudentSpec spec, InputShape input, int classes) {
    SequentialBlock block = new SequentialBlock();
    switch (spec) {
      case StudentSpec.Mlp mlp -> {
        for (int units : mlp.hidden()) {
          block.add(Linear.builder().setUnits(units).build());
          block.add(Activation.reluBlock());
        }
      }
      case StudentSpec.Cnn cnn -> {
        long[] size = imageSize(input);
        for (int channels : cnn.channels()) {
          block.add(
              Conv2d.builder()
                  .setKernelShape(new Shape(KERNEL, KERNEL))
                  .optPadding(new Shape(KERNEL / 2, KERNEL / 2))
                  .setFilters(channels)
                  .build());
          block.add(Activation.reluBlock());
          if (pools(size)) {
            block.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            size = new long[] {size[0] / 2, size[1] / 2};
          }
        }
        block.add(Blocks.batchFlattenBlock());
      }
      case StudentSpec.Gbdt gbdt ->
          throw new IllegalArgumentException(gbdt.describe() + " is not a DJL student");
    }
    block.add(Linear.builder().setUnits(classes).build());
    return block;
  }

  /**
   * A CNN halves its feature maps after a convolution while both sides are at least {@link
   * #POOL_MIN_SIDE} (so 8×8 digits go 8 → 4 → 2 and stop there; 28×28 go 28 → 14 → 7 → 3).
   */
  private static boolean pools(long[] size) {
    return size[0] >= POOL_MIN_SIDE && size[1] >= POOL_MIN_SIDE;
  }

  /** Height and width of an image input. */
  private static long[] imageSize(InputShape input) {
    if (input.dims().size() != 3) {
      throw new IllegalArgumentException(
          "a cnn student needs image inputs (channels × height × width), not "
              + input.describeBatch());
    }
    return new long[] {input.dims().get(1), input.dims().get(2)};
  }

  /**
   * Rebuilds the block of {@code spec} and loads the parameters {@link #train} saved.
   *
   * @param params the artifact, under any file name
   * @param input one sample's shape; an MLP sees it as a flat row
   * @param classes the output dimension (the specification's {@code output.dimension})
   * @throws MalformedModelException if the file is not a DJL parameter file or does not fit the
   *     architecture
   */
  public static DjlStudent load(
      Path params, StudentSpec spec, InputShape input, int classes, Device device)
      throws IOException, MalformedModelException {
    InputShape shape = spec instanceof StudentSpec.Mlp ? InputShape.table(input.size()) : input;
    SequentialBlock block;
    try {
      block = block(spec, shape, classes);
    } catch (IllegalArgumentException e) {
      throw new MalformedModelException(e.getMessage(), e);
    }
    try (InputStream in = Files.newInputStream(params)) {
      if (!Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)) {
        throw new MalformedModelException(params + " is not a DJL parameter file (no DJL@ header)");
      }
    }
    Model model = Model.newInstance(MODEL_NAME, device, ENGINE);
    try {
      model.setBlock(block);
      loadParameters(model, params);
      checkLayers(model.getBlock(), spec, shape, classes, params);
      return new DjlStudent(model, spec, shape, classes);
    } catch (EOFException e) {
      // A block with more layers than the file reads past its end.
      model.close();
      throw new MalformedModelException(
          "%s does not hold the parameters of %s: the file ends early"
              .formatted(params, spec.describe()),
          e);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * The block a transferred model rebuilds for the backbone of {@code spec} (its layers but the
   * last, parameters to load).
   */
  public static SequentialBlock trunk(StudentSpec spec, InputShape input) {
    SequentialBlock block = block(spec, input, 1);
    block.removeLastBlock();
    return block;
  }

  /**
   * DJL loads parameters with the shapes stored in the file whatever the block says, so a file of
   * another architecture would load and even run: compare each layer's weight with the spec.
   */
  private static void checkLayers(
      Block block, StudentSpec spec, InputShape input, int classes, Path params)
      throws MalformedModelException {
    List<Shape> expected = expectedWeights(spec, input, classes);
    List<Shape> weights = new ArrayList<>();
    for (Pair<String, Block> child : block.getChildren()) {
      if (child.getValue() instanceof Linear || child.getValue() instanceof Conv2d) {
        weights.add(child.getValue().getParameters().get("weight").getArray().getShape());
      }
    }
    if (!weights.equals(expected)) {
      throw new MalformedModelException(
          "%s does not hold the parameters of %s with %d outputs: its layers' weights are %s, not %s"
              .formatted(params, spec.describe(), classes, weights, expected));
    }
  }

  /** The weight shapes of each layer of an architecture, in order. */
  static List<Shape> expectedWeights(StudentSpec spec, InputShape input, int classes) {
    List<Shape> out = new ArrayList<>();
    long from;
    switch (spec) {
      case StudentSpec.Mlp mlp -> {
        from = input.size();
        for (int units : mlp.hidden()) {
          out.add(new Shape(units, from));
          from = units;
        }
      }
      case StudentSpec.Cnn cnn -> {
        long[] size = imageSize(input);
        long channels = input.dims().get(0);
        for (int filters : cnn.channels()) {
          out.add(new Shape(filters, channels, KERNEL, KERNEL));
          channels = filters;
          if (pools(size)) {
            size = new long[] {size[0] / 2, size[1] / 2};
          }
        }
        from = channels * size[0] * size[1];
      }
      case StudentSpec.Gbdt gbdt ->
          throw new IllegalArgumentException(gbdt.describe() + " is not a DJL student");
    }
    out.add(new Shape(classes, from));
    return out;
  }

  /**
   * Trains a student on {@code train} and saves it as {@code outputDir/student.params}; batches
   * under {@link #ONE_THREAD_WORK} multiply-adds train on one intra-op thread.
   *
   * @param heldOut rows to compute each epoch's held-out loss on
   * @return the artifact and the per-epoch losses
   */
  static TrainedArtifact train(
      TransferSet train,
      TransferSet heldOut,
      StudentSpec spec,
      InputShape input,
      Hyperparameters hp,
      Path outputDir,
      Distillation.Listener listener)
      throws IOException {
    InputShape shape = spec instanceof StudentSpec.Mlp ? InputShape.table(input.size()) : input;
    long work =
        (long) Math.min(hp.batchSize(), train.rows()) * multiplyAdds(spec, shape, train.outputs());
    List<DistillationReport.Epoch> history =
        IntraOpThreads.one(
            !hp.device().isGpu() && work < ONE_THREAD_WORK,
            () -> fit(train, heldOut, spec, shape, hp, outputDir, listener));
    Path artifact = outputDir.resolve(FILE_NAME);
    Files.move(
        outputDir.resolve(MODEL_NAME + "-0000.params"),
        artifact,
        StandardCopyOption.REPLACE_EXISTING);
    return new TrainedArtifact(artifact, history);
  }

  /** The epochs; saves the model under DJL's name for it in {@code outputDir}. */
  private static List<DistillationReport.Epoch> fit(
      TransferSet train,
      TransferSet heldOut,
      StudentSpec spec,
      InputShape input,
      Hyperparameters hp,
      Path outputDir,
      Distillation.Listener listener)
      throws IOException {
    // Parameter initialisation draws from the engine's generator, shuffling from ours.
    Engine.getEngine(ENGINE).setRandomSeed(Long.hashCode(hp.seed()));
    SplittableRandom random = new SplittableRandom(hp.seed());
    try (Model model = Model.newInstance(MODEL_NAME, hp.device(), ENGINE)) {
      model.setBlock(block(spec, input, train.outputs()));
      OutputScaling scaling =
          hp.regression() ? OutputScaling.of(train.teacherOutputs(), train.outputs()) : null;
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(
                  scaling != null
                      ? Loss.l2Loss("squared error", 1)
                      : new DistillationLoss((float) hp.temperature()))
              .optOptimizer(
                  Adam.builder()
                      .optLearningRateTracker(Tracker.fixed((float) hp.learningRate()))
                      .build())
              .optDevices(new Device[] {hp.device()});
      List<DistillationReport.Epoch> history;
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(input.batch(1));
        history =
            scaling != null
                ? regressionEpochs(trainer, train, heldOut, input, hp, scaling, random, listener)
                : classifierEpochs(trainer, train, heldOut, input, hp, random, listener);
      }
      if (scaling != null) {
        scaling.foldInto(model.getBlock());
      }
      model.save(outputDir, MODEL_NAME);
      return history;
    }
  }

  /** A classifier's students: soft targets at T, and the labels' hard term when there are any. */
  private static List<DistillationReport.Epoch> classifierEpochs(
      Trainer trainer,
      TransferSet train,
      TransferSet heldOut,
      InputShape input,
      Hyperparameters hp,
      SplittableRandom random,
      Distillation.Listener listener) {
    int d = train.inputDimension();
    int k = train.outputs();
    float t = (float) hp.temperature();
    double[] soft = SoftTargets.softmax(train.teacherOutputs(), k, hp.temperature());
    double[] negativeEntropy = negativeEntropies(soft, k);
    int batch = Math.min(hp.batchSize(), train.rows());
    float[] x = new float[batch * d];
    float[] softWeights = new float[batch * k];
    float[] hardWeights = train.labelled() && hp.alpha() < 1 ? new float[batch * k] : null;
    return epochs(
        train,
        batch,
        hp,
        random,
        listener,
        (order, start, rows) -> {
          double softScale = hp.alpha() * t * t / rows;
          double constant = 0;
          if (hardWeights != null) {
            Arrays.fill(hardWeights, 0, rows * k, 0f);
          }
          for (int i = 0; i < rows; i++) {
            int row = order[start + i];
            System.arraycopy(train.inputs(), row * d, x, i * d, d);
            for (int c = 0; c < k; c++) {
              softWeights[i * k + c] = (float) (-softScale * soft[row * k + c]);
            }
            constant += softScale * negativeEntropy[row];
            if (hardWeights != null) {
              hardWeights[i * k + train.labels()[row]] = (float) (-(1 - hp.alpha()) / rows);
            }
          }
          float loss = step(trainer, x, softWeights, hardWeights, rows, input, k);
          return loss + constant;
        },
        () -> objective(heldOut, outputs(trainer, heldOut, input), hp));
  }

  /**
   * A regressor's students: squared error against the teacher's outputs standardised with their
   * training mean and standard deviation (so that Adam's steps suit any scale), reported in the
   * teacher's units.
   */
  private static List<DistillationReport.Epoch> regressionEpochs(
      Trainer trainer,
      TransferSet train,
      TransferSet heldOut,
      InputShape input,
      Hyperparameters hp,
      OutputScaling scaling,
      SplittableRandom random,
      Distillation.Listener listener) {
    int d = train.inputDimension();
    int k = train.outputs();
    float[] standardised = scaling.standardise(train.teacherOutputs());
    int batch = Math.min(hp.batchSize(), train.rows());
    float[] x = new float[batch * d];
    float[] targets = new float[batch * k];
    return epochs(
        train,
        batch,
        hp,
        random,
        listener,
        (order, start, rows) -> {
          for (int i = 0; i < rows; i++) {
            int row = order[start + i];
            System.arraycopy(train.inputs(), row * d, x, i * d, d);
            System.arraycopy(standardised, row * k, targets, i * k, k);
          }
          return regressionStep(trainer, x, targets, rows, input, k, scaling);
        },
        () ->
            Training.meanSquaredError(
                scaling.restore(outputs(trainer, heldOut, input)), heldOut.teacherOutputs()));
  }

  /** Fills a batch with the rows {@code order[start, start + rows)} and takes one step on it. */
  @FunctionalInterface
  private interface BatchStep {
    /** The batch's mean loss. */
    double take(int[] order, int start, int rows);
  }

  /**
   * The epochs of both kinds of student: a shuffle from {@code random}, a step a batch, then the
   * held-out loss; only what a batch is fitted to and the losses differ.
   */
  private static List<DistillationReport.Epoch> epochs(
      TransferSet train,
      int batch,
      Hyperparameters hp,
      SplittableRandom random,
      Distillation.Listener listener,
      BatchStep step,
      DoubleSupplier heldOutLoss) {
    List<DistillationReport.Epoch> history = new ArrayList<>();
    int batches = (train.rows() + batch - 1) / batch;
    int[] order = Training.identity(train.rows());
    for (int epoch = 1; epoch <= hp.epochs(); epoch++) {
      Training.shuffle(order, random);
      double lossSum = 0;
      for (int b = 0; b < batches; b++) {
        int start = b * batch;
        int rows = Math.min(batch, train.rows() - start);
        lossSum += step.take(order, start, rows) * rows;
        listener.batchDone(epoch, hp.epochs(), b + 1, batches);
      }
      history.add(
          new DistillationReport.Epoch(epoch, lossSum / train.rows(), heldOutLoss.getAsDouble()));
    }
    return history;
  }

  /**
   * One optimiser step on standardised targets.
   *
   * @return the batch's mean squared error in the teacher's units
   */
  private static double regressionStep(
      Trainer trainer,
      float[] x,
      float[] targets,
      int rows,
      InputShape input,
      int k,
      OutputScaling s) {
    try (NDManager scope = trainer.getManager().newSubManager()) {
      NDArray labels = scope.create(FloatBuffer.wrap(targets, 0, rows * k), shape(rows, k));
      NDArray batch = scope.create(FloatBuffer.wrap(x, 0, rows * input.size()), input.batch(rows));
      NDArray predicted;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        predicted = trainer.forward(new NDList(batch)).singletonOrThrow();
        collector.backward(trainer.getLoss().evaluate(new NDList(labels), new NDList(predicted)));
      }
      float[] perOutput = predicted.sub(labels).square().mean(new int[] {0}).toFloatArray();
      trainer.step();
      return s.restoreSquaredError(perOutput);
    }
  }

  /** One optimiser step on a batch; every array it creates is closed with the batch's scope. */
  private static float step(
      Trainer trainer, float[] x, float[] soft, float[] hard, int rows, InputShape input, int k) {
    try (NDManager scope = trainer.getManager().newSubManager()) {
      NDList targets =
          new NDList(scope.create(FloatBuffer.wrap(soft, 0, rows * k), shape(rows, k)));
      if (hard != null) {
        targets.add(scope.create(FloatBuffer.wrap(hard, 0, rows * k), shape(rows, k)));
      }
      NDArray batch = scope.create(FloatBuffer.wrap(x, 0, rows * input.size()), input.batch(rows));
      NDArray loss;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDList logits = trainer.forward(new NDList(batch));
        loss = trainer.getLoss().evaluate(targets, logits);
        collector.backward(loss);
      }
      trainer.step();
      return loss.getFloat();
    }
  }

  /**
   * Student outputs (a classifier's logits) in evaluation mode, e.g. on the held-out rows after an
   * epoch.
   */
  private static float[] outputs(Trainer trainer, TransferSet rows, InputShape input) {
    return Batches.forward(
        trainer.getManager(),
        rows.inputs(),
        rows.rows(),
        input,
        rows.outputs(),
        INFERENCE_ROWS,
        x -> trainer.evaluate(new NDList(x)).singletonOrThrow());
  }

  /**
   * The network without its last layer, sharing its parameters; the network itself is unchanged.
   *
   * @throws CapabilityException for an MLP without hidden layers (softmax regression)
   */
  @Override
  public Backbone backbone() throws CapabilityException {
    if (spec instanceof StudentSpec.Mlp mlp && mlp.hidden().isEmpty()) {
      throw new CapabilityException(
          "a %s has no layers to keep once its last one is replaced".formatted(spec.describe()));
    }
    if (backbone == null) {
      List<Block> layers = model.getBlock().getChildren().values();
      SequentialBlock trunk = new SequentialBlock();
      layers.subList(0, layers.size() - 1).forEach(trunk::add);
      backbone = new BlockBackbone(model.getNDManager(), trunk, input, spec.architecture());
    }
    return backbone;
  }

  /** The training objective on rows the student did not train on (same terms and weights). */
  static double objective(TransferSet rows, float[] studentLogits, Hyperparameters hp) {
    int k = rows.outputs();
    double t = hp.temperature();
    double loss =
        hp.alpha() * t * t * SoftTargets.meanKl(rows.teacherOutputs(), studentLogits, k, t);
    if (rows.labelled() && hp.alpha() < 1) {
      loss += (1 - hp.alpha()) * SoftTargets.meanCrossEntropy(studentLogits, rows.labels(), k);
    }
    return loss;
  }

  /** Multiply-adds of one row through the layers. */
  private static long multiplyAdds(StudentSpec spec, InputShape input, int classes) {
    long total = 0;
    long pixels = spec instanceof StudentSpec.Cnn ? input.size() / input.dims().get(0) : 1;
    for (Shape weight : expectedWeights(spec, input, classes)) {
      if (weight.dimension() == 4) {
        total += pixels * weight.size();
        // Pooling shrinks the maps the next convolution slides over.
        if (pixels >= (long) POOL_MIN_SIDE * POOL_MIN_SIDE) {
          pixels /= 4;
        }
      } else {
        total += weight.size();
      }
    }
    return total;
  }

  private static double[] negativeEntropies(double[] p, int k) {
    double[] out = new double[p.length / k];
    for (int row = 0; row < out.length; row++) {
      double sum = 0;
      for (int c = 0; c < k; c++) {
        double v = p[row * k + c];
        if (v > 0) {
          sum += v * Math.log(v);
        }
      }
      out[row] = sum;
    }
    return out;
  }

  private static Shape shape(long rows, long columns) {
    return new Shape(rows, columns);
  }
}
