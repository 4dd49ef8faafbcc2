package io.learnware.worker.transfer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.job.RegressionMetrics;
import io.learnware.worker.model.Backbone;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.OutputScaling;
import io.learnware.worker.model.ParameterCounts;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Transfer learning by head replacement: a new head is fitted on a backbone's features for a
 * labelled data set with its own classes, and the same head on the raw inputs as a baseline that
 * shows what the backbone bought.
 *
 * <p>A linear head on a frozen backbone is a convex problem, multinomial logistic regression on the
 * features (computed once): it is solved to its optimum by L-BFGS, with an L2 penalty chosen by
 * cross-validation (a hold-out for many rows), then refitted on all rows ({@link
 * SoftmaxRegression}). Any other head, or fine-tuning the backbone with a smaller learning rate, is
 * trained by Adam on the rows outside a stratified hold-out, stopping early when validation
 * accuracy stalls and keeping the best epoch. The baseline is always fitted the same way as the
 * transfer, on the same rows.
 *
 * <p>A regression task (numeric targets, {@link Builder#setData(Matrix, double[], String)}) gets a
 * head with one output: a linear head on a frozen backbone is ridge regression solved in closed
 * form, its α chosen by 5-fold cross-validation ({@link RidgeRegression}); other heads are trained
 * by squared error on standardised targets, the standardisation folded into the head's last layer.
 *
 * <p>Built with {@link #builder()}: {@code setX} are required, {@code optX} optional.
 */
public final class Transfer {

  public static final int DEFAULT_EPOCHS = 50;
  public static final int MAX_EPOCHS = 1000;
  public static final int DEFAULT_BATCH_SIZE = 32;
  public static final int MAX_BATCH_SIZE = 65_536;

  /** Heads are small: Adam at this step converges within tens of epochs (docs/transfer.md). */
  public static final double DEFAULT_LEARNING_RATE = 1e-2;

  /** Fine-tuning's default backbone step: this fraction of the head's. */
  public static final double BACKBONE_RATE_FRACTION = 0.1;

  public static final double DEFAULT_VALIDATION_SPLIT = 0.2;

  /**
   * A solved head's penalty is chosen by cross-validation below this many rows (every row fits and
   * validates, none is set aside), by the hold-out of {@code validationSplit} from it on (one fit
   * per penalty instead of five, and a hold-out that large is a precise measure).
   */
  public static final int CROSS_VALIDATION_MAX_ROWS = 2000;

  public static final int DEFAULT_PATIENCE = 10;

  /** A regression head is cross-validated over 5 folds: two rows a fold at least. */
  public static final int MIN_REGRESSION_ROWS = 2 * RidgeRegression.FOLDS;

  public static final int MAX_CLASSES = 1000;

  private static final String ENGINE = "PyTorch";

  /** Which of the two trainings a progress report is about. */
  public enum Phase {
    TRANSFER,
    BASELINE
  }

  /** Progress after each batch or solver iteration; may throw to cancel. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param done the share of {@code phase} done, in [0, 1]
     * @param step what is happening, for the user, e.g. {@code training the new head: epoch 3/50}
     */
    void progress(Phase phase, double done, String step);
  }

  private final Builder b;

  private Transfer(Builder builder) {
    this.b = builder;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Fits the transfer and the baseline and saves the transferred model in the output directory: a
   * linear head on a frozen backbone is solved ({@link #solve()}), any other head trained ({@link
   * #train()}).
   */
  public TransferResult run() throws IOException {
    Files.createDirectories(b.outputDirectory);
    if (!solves(b.head, b.freezeBackbone)) {
      return train();
    }
    return b.targets != null ? solveRidge() : solve();
  }

  /**
   * Whether a transfer with this head and backbone setting is solved (a linear head on fixed
   * features: a convex problem) rather than trained by gradient steps.
   */
  public static boolean solves(HeadSpec head, boolean freezeBackbone) {
    return freezeBackbone && head.hidden() == 0;
  }

  /**
   * The convex case: multinomial logistic regression on the frozen backbone's features (computed
   * once), its L2 penalty chosen by {@value SoftmaxRegression#FOLDS}-fold cross-validation (by the
   * hold-out of {@code validationSplit} from {@value #CROSS_VALIDATION_MAX_ROWS} rows on), then
   * refitted on all rows; the baseline the same on the raw inputs. The solved weights go into the
   * head's linear layer.
   */
  private TransferResult solve() throws IOException {
    int k = b.classes.size();
    int n = b.labels.length;
    Backbone backbone = b.backbone;
    InputShape input = backbone.input();
    SoftmaxRegression.Validation validation =
        n < CROSS_VALIDATION_MAX_ROWS
            ? SoftmaxRegression.Validation.crossValidation(b.labels, k, SoftmaxRegression.FOLDS)
            : SoftmaxRegression.Validation.holdOut(
                split(b.labels, k, b.validationSplit, b.seed)[1]);
    float[] inputs = b.inputs.toFloatArray();

    b.listener.progress(Phase.TRANSFER, 0, "computing the backbone's features");
    float[] features = backbone.features(inputs, n);
    SoftmaxRegression.Solution transfer =
        new SoftmaxRegression(features, backbone.dimension(), b.labels, k)
            .solve(
                validation,
                Lbfgs.Settings.MEASURE,
                Lbfgs.Settings.PRECISE,
                monitor(Phase.TRANSFER, "the new head"));

    Path artifact = saveSolved(k, transfer.weights(), transfer.bias());

    SoftmaxRegression.Solution baseline =
        new SoftmaxRegression(inputs, input.size(), b.labels, k)
            .solve(
                validation,
                Lbfgs.Settings.MEASURE,
                Lbfgs.Settings.PRECISE,
                monitor(Phase.BASELINE, "the baseline head on raw inputs"));
    TransferReport report =
        TransferReport.classifier(
                transfer.accuracy(),
                baseline.accuracy(),
                b.classes,
                new TransferReport.Setup(
                    b.head.describe(),
                    true,
                    TransferReport.LBFGS,
                    validation.name(),
                    null,
                    null,
                    n,
                    validation.rows(),
                    backbone.dimension(),
                    b.head.parameterCount(backbone.dimension(), k)))
            .withSolves(TransferReport.Solve.of(transfer), TransferReport.Solve.of(baseline));
    return new TransferResult(artifact, TransferredModel.architecture(backbone, b.head), report);
  }

  /**
   * The regression case: ridge regression on the frozen backbone's features (computed once), its α
   * chosen by {@value RidgeRegression#FOLDS}-fold cross-validation over contiguous folds, then
   * refitted on all rows in closed form; the baseline the same on the raw inputs. The reported
   * figures are the out-of-fold predictions' at the chosen α.
   */
  private TransferResult solveRidge() throws IOException {
    int n = b.targets.length;
    Backbone backbone = b.backbone;
    InputShape input = backbone.input();
    float[] inputs = b.inputs.toFloatArray();
    String how = "ridge regression, α by %d-fold cross-validation".formatted(RidgeRegression.FOLDS);

    b.listener.progress(Phase.TRANSFER, 0, "computing the backbone's features");
    float[] features = backbone.features(inputs, n);
    b.listener.progress(Phase.TRANSFER, 0.5, "solving the new head (%s)".formatted(how));
    RidgeRegression.Solution transfer =
        new RidgeRegression(features, backbone.dimension(), b.targets).solve();
    Path artifact = saveSolved(1, transfer.weights(), new float[] {transfer.bias()});

    b.listener.progress(
        Phase.BASELINE, 0, "solving the baseline head on raw inputs (%s)".formatted(how));
    RidgeRegression.Solution baseline =
        new RidgeRegression(inputs, input.size(), b.targets).solve();
    TransferReport report =
        TransferReport.regressor(
                RegressionMetrics.of(transfer.outOfFold(), b.targets, 1),
                RegressionMetrics.of(baseline.outOfFold(), b.targets, 1),
                b.target,
                new TransferReport.Setup(
                    b.head.describe(),
                    true,
                    TransferReport.RIDGE,
                    RidgeRegression.FOLDS + "-fold cross-validation",
                    null,
                    null,
                    n,
                    n,
                    backbone.dimension(),
                    b.head.parameterCount(backbone.dimension(), 1)))
            .withRidges(TransferReport.Ridge.of(transfer), TransferReport.Ridge.of(baseline));
    return new TransferResult(artifact, TransferredModel.architecture(backbone, b.head), report);
  }

  /** Saves the backbone with a linear head holding solved weights; returns the artifact. */
  private Path saveSolved(int outputs, float[] weights, float[] bias) throws IOException {
    SequentialBlock head = b.head.block(outputs);
    SequentialBlock composite = new SequentialBlock().add(b.backbone.block()).add(head);
    try (Model saved = Model.newInstance(TransferredModel.MODEL_NAME, b.device, ENGINE)) {
      saved.setBlock(composite);
      saved.setProperty("Epoch", "0");
      composite.initialize(saved.getNDManager(), DataType.FLOAT32, b.backbone.input().batch(1));
      setLinear(head, weights, bias);
      saved.save(b.outputDirectory, TransferredModel.MODEL_NAME);
    }
    return moveArtifact();
  }

  private SoftmaxRegression.Monitor monitor(Phase phase, String what) {
    return (done, step) ->
        b.listener.progress(phase, done, "solving %s (L-BFGS): %s".formatted(what, step));
  }

  /** Writes solved weights into a linear head's {@code Linear} layer (its last block). */
  private static void setLinear(SequentialBlock head, float[] weights, float[] bias) {
    List<Block> blocks = head.getChildren().values();
    Block linear = blocks.get(blocks.size() - 1);
    NDArray w = linear.getParameters().get("weight").getArray();
    NDArray c = linear.getParameters().get("bias").getArray();
    if (w.size() != weights.length || c.size() != bias.length) {
      throw new IllegalStateException(
          "the head's linear layer holds %s and %s, not %d weights and %d biases"
              .formatted(w.getShape(), c.getShape(), weights.length, bias.length));
    }
    w.set(FloatBuffer.wrap(weights));
    c.set(FloatBuffer.wrap(bias));
  }

  private Path moveArtifact() throws IOException {
    Path artifact = b.outputDirectory.resolve("transferred.params");
    Files.move(
        b.outputDirectory.resolve(TransferredModel.MODEL_NAME + "-0000.params"),
        artifact,
        StandardCopyOption.REPLACE_EXISTING);
    return artifact;
  }

  /**
   * Every other case: the head (and, when fine-tuning, the backbone) trained by Adam on the rows
   * outside a hold-out (stratified for classes), stopping early on its validation measure and
   * keeping the best epoch; the baseline the same on the raw inputs. A regressor's targets are
   * standardised with the training rows' mean and deviation, which are folded into the saved head.
   */
  private TransferResult train() throws IOException {
    boolean regression = b.targets != null;
    int k = regression ? 1 : b.classes.size();
    int[][] split =
        regression
            ? randomSplit(b.targets.length, b.validationSplit, b.seed)
            : split(b.labels, k, b.validationSplit, b.seed);
    float[] x = b.inputs.toFloatArray();
    OutputScaling scaling = null;
    Rows all;
    if (regression) {
      float[] targets = new float[b.targets.length];
      for (int i = 0; i < targets.length; i++) {
        targets[i] = (float) b.targets[i];
      }
      Rows raw = new Rows(x, targets, b.inputs.columns());
      scaling = OutputScaling.of(raw.select(split[0]).y(), 1);
      all = new Rows(x, scaling.standardise(targets), b.inputs.columns());
    } else {
      all = Rows.classes(x, b.labels, b.inputs.columns());
    }
    Rows train = all.select(split[0]);
    Rows validation = all.select(split[1]);
    Backbone backbone = b.backbone;
    InputShape input = backbone.input();
    Fit.Settings settings =
        new Fit.Settings(b.epochs, b.batchSize, b.patience, b.seed, b.device, regression);

    SequentialBlock head = b.head.block(k);
    SequentialBlock composite = new SequentialBlock().add(backbone.block()).add(head);
    Fit.Outcome transfer;
    long trainable;
    try (Model saved = Model.newInstance(TransferredModel.MODEL_NAME, b.device, ENGINE)) {
      saved.setBlock(composite);
      // Without an epoch, each save would write the next numbered file; checkpoints overwrite one.
      saved.setProperty("Epoch", "0");
      // The head's initial weights come from the engine's generator.
      Engine.getEngine(ENGINE).setRandomSeed(Long.hashCode(b.seed));
      composite.initialize(saved.getNDManager(), DataType.FLOAT32, input.batch(1));
      // A regressor's best epoch is kept in memory, and saved once in the targets' units.
      ParameterSnapshot best =
          scaling != null ? new ParameterSnapshot(b.freezeBackbone ? head : composite) : null;
      Fit.Checkpoint checkpoint =
          best != null
              ? best::take
              : () -> saved.save(b.outputDirectory, TransferredModel.MODEL_NAME);
      if (b.freezeBackbone) {
        // A frozen backbone's features do not change: compute them once, train the head alone.
        InputShape features = InputShape.table(backbone.dimension());
        try (Model headModel = Model.newInstance("head", b.device, ENGINE)) {
          headModel.setBlock(head);
          transfer =
              Fit.run(
                  headModel,
                  adam(b.learningRate),
                  train.withInputs(backbone.features(train.x(), train.count()), features.size()),
                  validation.withInputs(
                      backbone.features(validation.x(), validation.count()), features.size()),
                  features,
                  settings,
                  listener(Phase.TRANSFER),
                  checkpoint);
          saveBest(best, scaling, head, saved);
        }
        trainable = ParameterCounts.of(head, Parameter::requiresGradient);
      } else {
        backbone.block().freezeParameters(false);
        Set<String> backboneIds = new HashSet<>();
        for (Pair<String, Parameter> p : backbone.block().getParameters()) {
          backboneIds.add(p.getValue().getId());
        }
        transfer =
            Fit.run(
                saved,
                new SplitOptimizer(backboneIds, adam(b.backboneLearningRate), adam(b.learningRate)),
                train,
                validation,
                input,
                settings,
                listener(Phase.TRANSFER),
                checkpoint);
        saveBest(best, scaling, head, saved);
        trainable = ParameterCounts.of(composite, Parameter::requiresGradient);
      }
    }
    Path artifact = moveArtifact();
    ObjectNode architecture = TransferredModel.architecture(backbone, b.head);

    Fit.Outcome baseline;
    try (Model raw = Model.newInstance("baseline", b.device, ENGINE)) {
      Engine.getEngine(ENGINE).setRandomSeed(Long.hashCode(b.seed));
      raw.setBlock(b.head.block(k));
      baseline =
          Fit.run(
              raw,
              adam(b.learningRate),
              train,
              validation,
              input,
              settings,
              listener(Phase.BASELINE),
              () -> {});
    }
    TransferReport.Setup setup =
        new TransferReport.Setup(
            b.head.describe(),
            b.freezeBackbone,
            TransferReport.ADAM,
            "hold-out",
            b.learningRate,
            b.freezeBackbone ? null : b.backboneLearningRate,
            train.count(),
            validation.count(),
            backbone.dimension(),
            trainable);
    TransferReport report;
    if (scaling != null) {
      double[] targets = new double[split[1].length];
      for (int i = 0; i < targets.length; i++) {
        targets[i] = b.targets[split[1][i]];
      }
      report =
          TransferReport.regressor(
              RegressionMetrics.of(scaling.restore(transfer.bestOutputs()), targets, 1),
              RegressionMetrics.of(scaling.restore(baseline.bestOutputs()), targets, 1),
              b.target,
              setup);
    } else {
      report =
          TransferReport.classifier(
              transfer.best().validationAccuracy(),
              baseline.best().validationAccuracy(),
              b.classes,
              setup);
    }
    report =
        report.withEpochs(
            transfer.bestEpoch(),
            baseline.bestEpoch(),
            transfer.stoppedEarly(),
            inTargetUnits(transfer.history(), scaling),
            inTargetUnits(baseline.history(), scaling));
    return new TransferResult(artifact, architecture, report);
  }

  /**
   * A regressor's best epoch, put back and saved with its standardisation folded into the head's
   * last layer, so that the model predicts in the targets' units; nothing for a classifier, whose
   * checkpoints are saved as they happen.
   */
  private void saveBest(ParameterSnapshot best, OutputScaling scaling, Block head, Model saved)
      throws IOException {
    if (best == null) {
      return;
    }
    best.restore();
    scaling.foldInto(head);
    saved.save(b.outputDirectory, TransferredModel.MODEL_NAME);
  }

  /** A regressor's epochs, trained on standardised targets, with errors in the targets' units. */
  private static List<TransferReport.Epoch> inTargetUnits(
      List<TransferReport.Epoch> history, OutputScaling scaling) {
    if (scaling == null) {
      return history;
    }
    double variance = scaling.sd()[0] * scaling.sd()[0];
    return history.stream()
        .map(
            e ->
                new TransferReport.Epoch(
                    e.epoch(), e.loss() * variance, null, e.validationMse() * variance))
        .toList();
  }

  /**
   * A seeded random split of {@code n} rows: {@code fraction} of them (at least one) validate, the
   * rest (at least one) train.
   *
   * @return training indices, then validation indices
   */
  static int[][] randomSplit(int n, double fraction, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    int held = Math.max(1, Math.min(n - 1, (int) Math.round(fraction * n)));
    return new int[][] {Arrays.copyOfRange(order, held, n), Arrays.copyOfRange(order, 0, held)};
  }

  private Fit.Listener listener(Phase phase) {
    String what =
        phase == Phase.TRANSFER
            ? "training the new head"
            : "training the baseline head on raw inputs";
    return (epoch, epochs, batch, batches) ->
        b.listener.progress(
            phase,
            ((epoch - 1) + (double) batch / batches) / epochs,
            "%s: epoch %d/%d".formatted(what, epoch, epochs));
  }

  private static Optimizer adam(double rate) {
    return Adam.builder().optLearningRateTracker(Tracker.fixed((float) rate)).build();
  }

  /**
   * A stratified split: of each class's rows, in a seeded order, {@code fraction} (at least one) go
   * to validation and the rest (at least one) to training.
   *
   * @return training indices, then validation indices
   */
  static int[][] split(int[] labels, int classes, double fraction, long seed) {
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      byClass.get(labels[i]).add(i);
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<Integer> train = new ArrayList<>();
    List<Integer> validation = new ArrayList<>();
    for (List<Integer> rows : byClass) {
      for (int i = rows.size() - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        rows.set(j, rows.set(i, rows.get(j)));
      }
      int held = Math.max(1, Math.min(rows.size() - 1, (int) Math.round(fraction * rows.size())));
      validation.addAll(rows.subList(0, held));
      train.addAll(rows.subList(held, rows.size()));
    }
    return new int[][] {
      train.stream().mapToInt(Integer::intValue).toArray(),
      validation.stream().mapToInt(Integer::intValue).toArray()
    };
  }

  /** Collects and checks a transfer's settings. */
  public static final class Builder {

    private Backbone backbone;
    private Matrix inputs;
    private int[] labels;
    private List<String> classes;
    private double[] targets;
    private String target;
    private Path outputDirectory;
    private HeadSpec head = HeadSpec.LINEAR;
    private boolean freezeBackbone = true;
    private int epochs = DEFAULT_EPOCHS;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private double learningRate = DEFAULT_LEARNING_RATE;
    private Double backboneLearningRate;
    private double validationSplit = DEFAULT_VALIDATION_SPLIT;
    private int patience = DEFAULT_PATIENCE;
    private long seed;
    private Device device = Device.cpu();
    private Listener listener = (phase, done, step) -> {};

    private Builder() {}

    /** The source's backbone; the caller keeps it and closes it after {@link #run()}. */
    public Builder setBackbone(Backbone backbone) {
      this.backbone = Objects.requireNonNull(backbone);
      return this;
    }

    /**
     * The labelled data set of the new task.
     *
     * @param inputs one row per sample, shaped as the backbone's input
     * @param labels one class index per row, into {@code classes}
     * @param classes the new task's labels
     */
    public Builder setData(Matrix inputs, int[] labels, List<String> classes) {
      this.inputs = Objects.requireNonNull(inputs);
      this.labels = labels.clone();
      this.classes = List.copyOf(classes);
      this.targets = null;
      this.target = null;
      return this;
    }

    /**
     * The data set of a new regression task: the head has one output.
     *
     * @param inputs one row per sample, shaped as the backbone's input
     * @param targets one finite number per row
     * @param target the target's name, the new model's output label
     */
    public Builder setData(Matrix inputs, double[] targets, String target) {
      this.inputs = Objects.requireNonNull(inputs);
      this.targets = targets.clone();
      this.target = Objects.requireNonNull(target);
      this.labels = null;
      this.classes = null;
      return this;
    }

    /** Where the transferred model is written. */
    public Builder setOutputDirectory(Path directory) {
      this.outputDirectory = Objects.requireNonNull(directory);
      return this;
    }

    public Builder optHead(HeadSpec head) {
      this.head = Objects.requireNonNull(head);
      return this;
    }

    /** Keep the backbone as it is (default) or fine-tune it. */
    public Builder optFreezeBackbone(boolean freeze) {
      this.freezeBackbone = freeze;
      return this;
    }

    public Builder optEpochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    public Builder optBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** The head's Adam step (default {@value #DEFAULT_LEARNING_RATE}). */
    public Builder optLearningRate(double rate) {
      this.learningRate = rate;
      return this;
    }

    /** The backbone's step when fine-tuning (default a tenth of the head's). */
    public Builder optBackboneLearningRate(double rate) {
      this.backboneLearningRate = rate;
      return this;
    }

    /**
     * The share of each class held out for validation (default 0.2); for a regression task, of all
     * rows at random. A solved head uses it only for classes, from {@value
     * #CROSS_VALIDATION_MAX_ROWS} rows on.
     */
    public Builder optValidationSplit(double split) {
      this.validationSplit = split;
      return this;
    }

    /** Epochs without a better validation accuracy before training stops (default 10). */
    public Builder optPatience(int patience) {
      this.patience = patience;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder optDevice(Device device) {
      this.device = Objects.requireNonNull(device);
      return this;
    }

    public Builder optListener(Listener listener) {
      this.listener = Objects.requireNonNull(listener);
      return this;
    }

    /**
     * @throws IllegalArgumentException with a message for the user when a setting is out of range
     *     or the data do not fit the backbone
     * @throws IllegalStateException when a required setting is missing
     */
    public Transfer build() {
      if (backbone == null || inputs == null || outputDirectory == null) {
        throw new IllegalStateException("setBackbone, setData and setOutputDirectory are required");
      }
      require(
          epochs >= 1 && epochs <= MAX_EPOCHS, "epochs must be 1..%d, got %d", MAX_EPOCHS, epochs);
      require(
          batchSize >= 1 && batchSize <= MAX_BATCH_SIZE,
          "batchSize must be 1..%d, got %d",
          MAX_BATCH_SIZE,
          batchSize);
      require(
          learningRate > 0 && learningRate <= 1,
          "learningRate must be in (0, 1], got %s",
          learningRate);
      if (backboneLearningRate == null) {
        backboneLearningRate = learningRate * BACKBONE_RATE_FRACTION;
      }
      require(
          backboneLearningRate > 0 && backboneLearningRate <= 1,
          "backboneLearningRate must be in (0, 1], got %s",
          backboneLearningRate);
      require(
          validationSplit > 0 && validationSplit < 1,
          "validationSplit must be between 0 and 1 (exclusive), got %s",
          validationSplit);
      require(patience >= 1, "patience must be at least 1, got %d", patience);
      require(
          inputs.columns() == backbone.input().size(),
          "the data set has %d inputs per sample; the source takes %d (%s)",
          inputs.columns(),
          backbone.input().size(),
          backbone.input().describeBatch());
      if (targets != null) {
        checkTargets();
        return new Transfer(this);
      }
      int k = classes.size();
      require(k >= 2 && k <= MAX_CLASSES, "a transfer needs 2..%d classes, got %d", MAX_CLASSES, k);
      require(
          inputs.rows() == labels.length, "%d rows but %d labels", inputs.rows(), labels.length);
      int[] counts = new int[k];
      for (int label : labels) {
        require(label >= 0 && label < k, "label index %d is not one of %d classes", label, k);
        counts[label]++;
      }
      for (int c = 0; c < k; c++) {
        require(
            counts[c] >= 2,
            "class \"%s\" has %d row%s; each class needs at least two (one to train on, one to"
                + " validate)",
            classes.get(c),
            counts[c],
            counts[c] == 1 ? "" : "s");
      }
      return new Transfer(this);
    }

    /** A regression task's rows: enough to cross-validate, finite targets that vary. */
    private void checkTargets() {
      require(
          inputs.rows() == targets.length, "%d rows but %d targets", inputs.rows(), targets.length);
      require(
          targets.length >= MIN_REGRESSION_ROWS,
          "a regression head needs at least %d rows (%d-fold cross-validation); the data set has"
              + " %d",
          MIN_REGRESSION_ROWS,
          RidgeRegression.FOLDS,
          targets.length);
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < targets.length; i++) {
        require(Double.isFinite(targets[i]), "the target of row %d is not a finite number", i + 1);
        min = Math.min(min, targets[i]);
        max = Math.max(max, targets[i]);
      }
      require(
          max > min,
          "every target in the data set is %s; a regression head needs targets that vary",
          min);
      require(!target.isBlank(), "the target's name must not be blank");
    }

    private static void require(boolean condition, String format, Object... args) {
      if (!condition) {
        throw new IllegalArgumentException(format.formatted(args));
      }
    }
  }
}
