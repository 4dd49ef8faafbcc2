package io.learnware.worker.distill;

import ai.djl.Device;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.Task;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.worker.job.RegressionMetrics;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.IntraOpThreads;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelRuntime;
import io.learnware.worker.model.ModelSource;
import io.learnware.worker.model.RunnableModel;
import io.learnware.worker.network.StudentSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Knowledge distillation (Hinton, Vinyals &amp; Dean 2015, "Distilling the Knowledge in a Neural
 * Network"): trains a small student to reproduce a teacher's soft targets, {@code softmax(z/T)}, on
 * a transfer set, and measures how closely it does on a held-out part of that set. A regression
 * teacher's students fit its outputs by squared error instead (no temperature, no labels mixed in;
 * {@link Builder#optTargets} only measure), and are measured by MAE, RMSE and R².
 *
 * <pre>{@code
 * DistillationResult result = Distillation.builder()
 *     .setTeacher(teacher)
 *     .setTransferSet(x, labels)            // or .setDataFree(rkme, 2000)
 *     .setStudent(new StudentSpec.Mlp(List.of(32)))
 *     .setOutputDirectory(dir)
 *     .optTemperature(4).optEpochs(30)
 *     .build()
 *     .run();
 * }</pre>
 *
 * <p>Required: {@link Builder#setTeacher}, one of {@link Builder#setTransferSet} and {@link
 * Builder#setDataFree}, {@link Builder#setStudent}, {@link Builder#setOutputDirectory}. The
 * optional settings have the defaults below. Deterministic for a seed on the same machine and
 * thread count (the engine's generator is global: run one distillation per process at a time).
 */
public final class Distillation {

  public static final double DEFAULT_TEMPERATURE = 4;
  public static final double DEFAULT_ALPHA = 0.9;
  public static final int DEFAULT_EPOCHS = 30;
  public static final int DEFAULT_BATCH_SIZE = 32;

  /**
   * Adam's step for mlp and cnn students; tree students default to {@link GbdtStudent#DEFAULT_ETA}.
   */
  public static final double DEFAULT_LEARNING_RATE = 0.01;

  public static final double DEFAULT_VALIDATION_SPLIT = 0.2;
  public static final int MAX_EPOCHS = 10_000;
  public static final int MAX_BATCH_SIZE = 65_536;

  /** Herding costs O(transferSize²·d); beyond this it takes minutes. */
  public static final int MAX_TRANSFER_SIZE = 20_000;

  /** Held-out rows timed for the latency ratio, and how often. */
  private static final int LATENCY_ROWS = 1000;

  private static final int LATENCY_WARMUP = 3;
  private static final int LATENCY_RUNS = 7;

  /** Hears training progress; throwing from it (e.g. on cancellation) stops the distillation. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Called after every training batch; tree students report each boosting round as an epoch of
     * one batch.
     */
    void batchDone(int epoch, int epochs, int batch, int batches);
  }

  private final Builder settings;

  private Distillation(Builder settings) {
    this.settings = settings;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Computes the teacher's logits on the transfer set, trains the student on all but the held-out
   * rows, saves it, reloads it from its artifact and measures it against the teacher.
   *
   * @throws IllegalArgumentException if the transfer set does not suit the teacher (e.g. the
   *     teacher's logits are not finite on it)
   */
  public DistillationResult run() throws IOException {
    Teacher teacher = settings.teacher;
    Matrix x =
        settings.rkme != null
            ? settings.rkme.herd(settings.transferSize, settings.seed)
            : settings.transferSet;
    float[] inputs = x.toFloatArray();
    float[] outputs = teacher.outputs(inputs, x.rows());
    for (int i = 0; i < outputs.length; i++) {
      if (!Float.isFinite(outputs[i])) {
        throw new IllegalArgumentException(
            "the teacher's %s not finite for transfer row %d"
                .formatted(
                    teacher.task() == Task.REGRESSION ? "outputs are" : "logits are",
                    i / teacher.outputDimension() + 1));
      }
    }
    TransferSet all =
        new TransferSet(
            x.rows(),
            x.columns(),
            teacher.outputDimension(),
            inputs,
            outputs,
            settings.rkme != null ? null : settings.labels,
            settings.rkme != null ? null : settings.targets);
    int[] order = permutation(all.rows(), new SplittableRandom(settings.seed));
    int heldOutRows =
        (int) Math.max(1, Math.min(all.rows() - 1, Math.round(settings.split * all.rows())));
    TransferSet heldOut = all.select(Arrays.copyOfRange(order, 0, heldOutRows));
    TransferSet train = all.select(Arrays.copyOfRange(order, heldOutRows, all.rows()));

    Hyperparameters hp = hyperparameters(all.labelled());
    Files.createDirectories(settings.outputDirectory);
    StudentSpec spec = settings.student;
    TrainedArtifact trained;
    ModelFormat format;
    switch (spec) {
      case StudentSpec.Mlp mlp -> {
        trained =
            DjlStudent.train(
                train,
                heldOut,
                mlp,
                InputShape.table(all.inputDimension()),
                hp,
                settings.outputDirectory,
                settings.listener);
        format = ModelFormat.DJL;
      }
      case StudentSpec.Cnn cnn -> {
        trained =
            DjlStudent.train(
                train,
                heldOut,
                cnn,
                teacher.inputShape(),
                hp,
                settings.outputDirectory,
                settings.listener);
        format = ModelFormat.DJL;
      }
      case StudentSpec.Gbdt gbdt -> {
        try {
          trained =
              GbdtStudent.train(
                  train, heldOut, gbdt, hp, settings.outputDirectory, settings.listener);
        } catch (XGBoostError e) {
          throw new IllegalStateException("XGBoost failed: " + e.getMessage(), e);
        }
        format = ModelFormat.XGBOOST;
      }
    }

    DistillationReport report;
    try (RunnableModel student =
        ModelRuntime.load(
            ModelSource.builder()
                .setArtifact(trained.artifact())
                .setFormat(format)
                .optArchitecture(spec.architecture())
                .setInputShape(teacher.inputShape())
                .optOutputDimension(teacher.outputDimension())
                .optDevice(settings.device)
                .build())) {
      report = measure(teacher, student, trained, heldOut, train.rows(), hp);
    } catch (ModelException e) {
      throw new IllegalStateException("the student just saved does not load back or run", e);
    }
    return new DistillationResult(trained.artifact(), format, spec.architecture(), report, x);
  }

  private Hyperparameters hyperparameters(boolean labelled) {
    Task task = settings.teacher.task();
    double learningRate =
        settings.learningRate != null
            ? settings.learningRate
            : settings.student instanceof StudentSpec.Gbdt
                ? GbdtStudent.DEFAULT_ETA
                : DEFAULT_LEARNING_RATE;
    // Without labels there is no hard term; trees fit the teacher's logits only.
    boolean hardTerm = labelled && !(settings.student instanceof StudentSpec.Gbdt);
    double alpha = settings.alpha != null ? settings.alpha : DEFAULT_ALPHA;
    return new Hyperparameters(
        task,
        settings.temperature != null ? settings.temperature : DEFAULT_TEMPERATURE,
        hardTerm ? alpha : 1,
        settings.epochs,
        settings.batchSize,
        learningRate,
        settings.seed,
        settings.device);
  }

  private DistillationReport measure(
      Teacher teacher,
      RunnableModel student,
      TrainedArtifact trained,
      TransferSet heldOut,
      int trainRows,
      Hyperparameters hp)
      throws IOException, ModelException {
    int k = heldOut.outputs();
    float[] studentOutputs = student.predict(heldOut.inputs(), heldOut.rows());
    Double fidelity = null;
    Double accuracy = null;
    Double teacherAccuracy = null;
    Double kl = null;
    RegressionMetrics vsTeacher = null;
    RegressionMetrics vsTarget = null;
    RegressionMetrics teacherVsTarget = null;
    if (hp.regression()) {
      vsTeacher = RegressionMetrics.of(studentOutputs, heldOut.teacherOutputs(), k);
      if (heldOut.targets() != null) {
        vsTarget = RegressionMetrics.of(studentOutputs, heldOut.targets(), k);
        teacherVsTarget = RegressionMetrics.of(heldOut.teacherOutputs(), heldOut.targets(), k);
      }
    } else {
      int[] studentTop = SoftTargets.argmax(studentOutputs, k);
      int[] teacherTop = SoftTargets.argmax(heldOut.teacherOutputs(), k);
      fidelity = SoftTargets.agreement(studentTop, teacherTop);
      kl = SoftTargets.meanKl(heldOut.teacherOutputs(), studentOutputs, k, hp.temperature());
      if (heldOut.labelled()) {
        accuracy = SoftTargets.agreement(studentTop, heldOut.labels());
        teacherAccuracy = SoftTargets.agreement(teacherTop, heldOut.labels());
      }
    }
    int timedRows = Math.min(LATENCY_ROWS, heldOut.rows());
    float[] timedInputs = Arrays.copyOf(heldOut.inputs(), timedRows * heldOut.inputDimension());
    // Both on one intra-op thread, so that the ratio compares the models rather than how the
    // thread pool is scheduled (see DjlStudent.ONE_THREAD_WORK).
    double studentMicros =
        IntraOpThreads.one(
            true,
            () ->
                microsPerSample(rows -> student.predict(rows, timedRows), timedInputs, timedRows));
    double teacherMicros =
        IntraOpThreads.one(
            true,
            () ->
                microsPerSample(rows -> teacher.outputs(rows, timedRows), timedInputs, timedRows));
    long studentParameters = student.parameterCount().orElseThrow(); // the market's own formats
    OptionalLong teacherParameters = teacher.parameterCount();
    long studentBytes = Files.size(trained.artifact());
    return new DistillationReport(
        fidelity,
        accuracy,
        teacherAccuracy,
        kl,
        vsTeacher,
        vsTarget,
        teacherVsTarget,
        teacherParameters.isPresent()
            ? (double) studentParameters / teacherParameters.getAsLong()
            : null,
        (double) studentBytes / teacher.artifactBytes(),
        studentMicros / teacherMicros,
        trained.history(),
        settings.student.architecture(),
        hp.task(),
        settings.rkme != null,
        hp.regression() ? null : hp.temperature(),
        hp.regression() ? null : hp.alpha(),
        trainRows,
        heldOut.rows(),
        studentParameters,
        teacherParameters.isPresent() ? teacherParameters.getAsLong() : null,
        studentBytes,
        teacher.artifactBytes(),
        studentMicros,
        teacherMicros);
  }

  /** A model's outputs for a batch of rows, timed by {@link #microsPerSample}. */
  @FunctionalInterface
  private interface Inference {
    float[] apply(float[] rows) throws ModelException;
  }

  /** The median time of one call on {@code inputs}, per row, after warm-up calls. */
  private static double microsPerSample(Inference model, float[] inputs, int rows)
      throws ModelException {
    for (int i = 0; i < LATENCY_WARMUP; i++) {
      model.apply(inputs);
    }
    long[] nanos = new long[LATENCY_RUNS];
    for (int i = 0; i < LATENCY_RUNS; i++) {
      long start = System.nanoTime();
      model.apply(inputs);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return nanos[LATENCY_RUNS / 2] / 1e3 / rows;
  }

  static int[] permutation(int n, SplittableRandom random) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int j = random.nextInt(i + 1);
      out[i] = out[j];
      out[j] = i;
    }
    return out;
  }

  /** Settings of a {@link Distillation}; each setter checks its value. */
  public static final class Builder {
    private Teacher teacher;
    private Matrix transferSet;
    private int[] labels;
    private double[] targets;
    private Rkme rkme;
    private int transferSize;
    private StudentSpec student;
    private Path outputDirectory;
    // Null until set: a regression teacher refuses them, a classifier takes the defaults.
    private Double temperature;
    private Double alpha;
    private int epochs = DEFAULT_EPOCHS;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Double learningRate;
    private long seed;
    private double split = DEFAULT_VALIDATION_SPLIT;
    private Device device = Device.cpu();
    private Listener listener = (epoch, epochs, batch, batches) -> {};

    private Builder() {}

    public Builder setTeacher(Teacher teacher) {
      this.teacher = Objects.requireNonNull(teacher, "teacher");
      return this;
    }

    /**
     * Distils on these rows.
     *
     * @param x one row per sample, as many columns as the teacher takes
     * @param labels a classifier's: one class index per row, or {@code null}; with labels the hard
     *     term (weight 1 − α) joins the soft one and the report has accuracies. A regression
     *     teacher's rows take {@link #optTargets} instead
     */
    public Builder setTransferSet(Matrix x, int[] labels) {
      Objects.requireNonNull(x, "x");
      for (int i = 0; i < x.data().length; i++) {
        if (!Double.isFinite(x.data()[i])) {
          throw new IllegalArgumentException(
              "transfer row %d, column %d is missing or not finite; distillation needs complete rows"
                  .formatted(i / x.columns() + 1, i % x.columns() + 1));
        }
      }
      if (labels != null && labels.length != x.rows()) {
        throw new IllegalArgumentException(
            "%d labels for %d transfer rows".formatted(labels.length, x.rows()));
      }
      this.transferSet = x;
      this.labels = labels == null ? null : labels.clone();
      this.rkme = null;
      return this;
    }

    /**
     * The transfer rows' targets, for a regression teacher of one output: the student still fits
     * the teacher's outputs alone, and the report measures the student and the teacher against
     * these ({@code vsTarget}, {@code teacherVsTarget}).
     *
     * @param targets one finite number per row of {@link #setTransferSet}
     */
    public Builder optTargets(double[] targets) {
      Objects.requireNonNull(targets, "targets");
      for (int i = 0; i < targets.length; i++) {
        if (!Double.isFinite(targets[i])) {
          throw new IllegalArgumentException(
              "the target of transfer row %d is not a finite number".formatted(i + 1));
        }
      }
      this.targets = targets.clone();
      return this;
    }

    /**
     * Distils without data: herds {@code transferSize} points from the teacher's RKME (kernel
     * herding, {@link Rkme#herd}) and lets the teacher label them.
     */
    public Builder setDataFree(Rkme rkme, int transferSize) {
      Objects.requireNonNull(rkme, "rkme");
      if (transferSize < 2 || transferSize > MAX_TRANSFER_SIZE) {
        throw new IllegalArgumentException(
            "transferSize must be 2..%d, got %d".formatted(MAX_TRANSFER_SIZE, transferSize));
      }
      this.rkme = rkme;
      this.transferSize = transferSize;
      this.transferSet = null;
      this.labels = null;
      this.targets = null;
      return this;
    }

    public Builder setStudent(StudentSpec student) {
      this.student = Objects.requireNonNull(student, "student");
      return this;
    }

    /** Where the student's artifact is written; created if need be. */
    public Builder setOutputDirectory(Path directory) {
      this.outputDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * T of the soft targets {@code softmax(z/T)}; default {@value #DEFAULT_TEMPERATURE}.
     * Classifiers only.
     */
    public Builder optTemperature(double temperature) {
      if (!(temperature > 0) || temperature > 1000) {
        throw new IllegalArgumentException(
            "temperature must be a number in (0, 1000], got " + temperature);
      }
      this.temperature = temperature;
      return this;
    }

    /**
     * The weight of the soft term, {@code α·T²·KL + (1 − α)·CE}; default {@value #DEFAULT_ALPHA}.
     * Without labels the soft term is all there is (α is taken as 1). Classifiers only.
     */
    public Builder optAlpha(double alpha) {
      if (!(alpha >= 0 && alpha <= 1)) {
        throw new IllegalArgumentException("alpha must be a number in [0, 1], got " + alpha);
      }
      this.alpha = alpha;
      return this;
    }

    /** Passes over the training rows; for tree students, {@code trees} counts instead. */
    public Builder optEpochs(int epochs) {
      if (epochs < 1 || epochs > MAX_EPOCHS) {
        throw new IllegalArgumentException(
            "epochs must be 1..%d, got %d".formatted(MAX_EPOCHS, epochs));
      }
      this.epochs = epochs;
      return this;
    }

    public Builder optBatchSize(int batchSize) {
      if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
        throw new IllegalArgumentException(
            "batchSize must be 1..%d, got %d".formatted(MAX_BATCH_SIZE, batchSize));
      }
      this.batchSize = batchSize;
      return this;
    }

    /** Adam's step for MLPs, the shrinkage (eta) for trees. */
    public Builder optLearningRate(double learningRate) {
      if (!(learningRate > 0) || learningRate > 10) {
        throw new IllegalArgumentException(
            "learningRate must be a number in (0, 10], got " + learningRate);
      }
      this.learningRate = learningRate;
      return this;
    }

    /** Fixes the held-out split, shuffling, initialisation, herding and tree dropout. */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The fraction of the transfer set held out for the report; default 0.2. */
    public Builder optValidationSplit(double split) {
      if (!(split >= 0.01 && split <= 0.5)) {
        throw new IllegalArgumentException(
            "validationSplit must be a number in [0.01, 0.5], got " + split);
      }
      this.split = split;
      return this;
    }

    /** Where an mlp or cnn student trains and runs; default the CPU. */
    public Builder optDevice(Device device) {
      this.device = Objects.requireNonNull(device, "device");
      return this;
    }

    public Builder optListener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @throws IllegalStateException if a required setting is missing
     * @throws IllegalArgumentException if the transfer set does not fit the teacher
     */
    public Distillation build() {
      if (teacher == null || student == null || outputDirectory == null) {
        throw new IllegalStateException(
            "setTeacher, setStudent and setOutputDirectory are required");
      }
      if (transferSet == null && rkme == null) {
        throw new IllegalStateException("setTransferSet or setDataFree is required");
      }
      checkTask();
      if (student instanceof StudentSpec.Cnn && teacher.inputShape().dims().size() != 3) {
        throw new IllegalArgumentException(
            "a cnn student needs an image teacher (channels × height × width inputs); this"
                + " teacher takes table rows of %d features: use an mlp or gbdt student"
                    .formatted(teacher.inputDimension()));
      }
      int columns = transferSet != null ? transferSet.columns() : rkme.dimension();
      if (columns != teacher.inputDimension()) {
        throw new IllegalArgumentException(
            "the %s has %d columns, the teacher takes %d inputs"
                .formatted(
                    transferSet != null ? "transfer set" : "RKME",
                    columns,
                    teacher.inputDimension()));
      }
      int rows = transferSet != null ? transferSet.rows() : transferSize;
      if (rows < 2) {
        throw new IllegalArgumentException(
            "the transfer set needs at least 2 rows (one to train on, one to hold out)");
      }
      if (labels != null) {
        for (int i = 0; i < labels.length; i++) {
          if (labels[i] < 0 || labels[i] >= teacher.outputDimension()) {
            throw new IllegalArgumentException(
                "label %d of transfer row %d is not a class index 0..%d"
                    .formatted(labels[i], i + 1, teacher.outputDimension() - 1));
          }
        }
      }
      return new Distillation(this);
    }

    /** What applies to one task and not the other. */
    private void checkTask() {
      if (teacher.task() == Task.CLASSIFICATION) {
        if (targets != null) {
          throw new IllegalArgumentException(
              "numeric targets are for a regression teacher; a classifier's rows take labels");
        }
        return;
      }
      if (temperature != null) {
        throw new IllegalArgumentException(
            "temperature applies to a classifier's soft targets; a regressor's students fit its"
                + " outputs by squared error");
      }
      if (alpha != null) {
        throw new IllegalArgumentException(
            "alpha weighs soft targets against labels for a classifier; a regressor's students fit"
                + " its outputs alone (a data set's targets are only measured against)");
      }
      if (labels != null) {
        throw new IllegalArgumentException(
            "class labels are for a classifier; a regression teacher's rows take numeric targets");
      }
      if (targets != null && transferSet == null) {
        throw new IllegalArgumentException("targets need transfer rows (setTransferSet)");
      }
      if (targets != null && teacher.outputDimension() != 1) {
        throw new IllegalArgumentException(
            "the data set has one target per row, but the teacher has %d outputs; leave out the"
                    .formatted(teacher.outputDimension())
                + " \"label\" column to distil on the inputs alone");
      }
      if (targets != null && targets.length != transferSet.rows()) {
        throw new IllegalArgumentException(
            "%d targets for %d transfer rows".formatted(targets.length, transferSet.rows()));
      }
    }
  }
}
