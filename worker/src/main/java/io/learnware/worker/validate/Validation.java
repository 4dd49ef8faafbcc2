package io.learnware.worker.validate;

import ai.djl.Device;
import io.learnware.spec.DataType;
import io.learnware.spec.InputSpec;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.RkmeSpec;
import io.learnware.spec.Task;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.worker.model.Devices;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelRuntime;
import io.learnware.worker.model.ModelSource;
import io.learnware.worker.model.RunnableModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Checks that a model artifact does what its specification promises: it loads, runs on inputs of
 * the declared shape, returns {@code output.dimension} values per sample, and only finite ones. The
 * inputs ("probes") are random samples of the declared shape and, for a table learnware with an
 * RKME, points herded from the RKME, which look like the training data.
 *
 * <p>The checks are the same for every task; the log and the reasons say what the outputs are. A
 * classifier's are its class scores, which may be any finite numbers. A regressor's are its
 * predicted values ({@code task: regression}): the log says so and gives their range on each probe
 * batch, which shows at a glance whether they are on the scale the description promises.
 *
 * <p>Models of every format load through the {@link ModelRuntime} (docs/formats.md): TorchScript
 * and the market's DJL networks on DJL's PyTorch engine (on the chosen device), ONNX models on
 * DJL's ONNX Runtime engine and XGBoost trees on the CPU.
 *
 * <p>A model that fails a check is a result ({@link ValidationReport#usable()} false, with the
 * reason), not an exception. The log and the reason are in the market's own words; what the engine
 * or the model said goes to {@link ValidationReport#modelError()} only, since a model can make it
 * say anything. Required: {@link Builder#setModel}, {@link Builder#setSpec}. Optional: {@link
 * Builder#optDevice} (default: {@code auto}), {@link Builder#optSeed} (0), {@link
 * Builder#optProbes} (64 of each kind), {@link Builder#optListener}.
 */
public final class Validation {

  /** Reports progress through the checks. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param stage what runs, e.g. {@code "loading the model"}
     * @param fraction overall progress in [0, 1]
     */
    void progress(String stage, double fraction);
  }

  public static final int DEFAULT_PROBES = 64;

  /** Largest probe batch: enough to find shape and NaN defects, small enough for any worker. */
  public static final int MAX_PROBES = 4096;

  private static final int WARMUP_BATCHES = 3;
  private static final int LATENCY_BATCHES = 5;

  /** A batch of probe inputs and what it is, for the log. */
  record Probe(String name, Matrix samples) {}

  private final Path model;
  private final List<ModelSource> members;
  private final LearnwareSpec spec;
  private final boolean regressor;
  private final ModelFormat format;
  private final InputShape inputShape;
  private final Device device;
  private final long seed;
  private final int probes;
  private final Listener listener;

  private Validation(Builder builder, InputShape inputShape) {
    this.model = builder.model;
    this.members = builder.members;
    this.spec = builder.spec;
    this.regressor = builder.spec.task() == Task.REGRESSION;
    this.format = builder.spec.model().format();
    this.inputShape = inputShape;
    this.device =
        ModelRuntime.effectiveDevice(
            format, builder.device != null ? builder.device : Devices.select("auto"));
    this.seed = builder.seed;
    this.probes = builder.probes;
    this.listener = builder.listener;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Why this worker cannot validate learnwares like {@code spec} at all, or empty when it can. Such
   * specifications say nothing about the model's quality, so callers should not turn this into a
   * verdict.
   */
  public static Optional<String> unsupported(LearnwareSpec spec) {
    try {
      supportedInputShape(spec);
      return Optional.empty();
    } catch (ModelException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** The input shape of a learnware this worker can validate; the exception says why it cannot. */
  private static InputShape supportedInputShape(LearnwareSpec spec) throws ModelException {
    ModelFormat format = spec.model() == null ? null : spec.model().format();
    if (format == null || !ModelRuntime.formats().contains(format)) {
      throw new ModelException(
          "this worker validates %s models only; the specification declares model.format %s"
              .formatted(
                  ModelRuntime.formats().stream()
                      .map(ModelFormat::jsonName)
                      .collect(Collectors.joining(", ")),
                  format == null ? "(none)" : format.jsonName()));
    }
    return InputShape.of(spec);
  }

  /** Runs the checks; the model's defects end up in the report, not in exceptions. */
  public ValidationReport run() {
    Run run = new Run();
    run.log(
        "model %s (%s bytes), format %s, input %s, output.dimension %d, on %s"
            .formatted(
                model.getFileName(),
                sizeOf(model),
                format.jsonName(),
                inputShape.describeBatch(),
                spec.output().dimension(),
                device.isGpu() ? "gpu " + device.getDeviceId() : "cpu"));
    listener.progress("loading the model", 0);
    try (RunnableModel loaded =
        ModelRuntime.load(
            ModelSource.forSpec(spec, model).optDevice(device).optMembers(members).build())) {
      run.loads = true;
      OptionalLong parameters = loaded.parameterCount();
      run.parameters = parameters.isPresent() ? parameters.getAsLong() : null;
      run.log(
          parameters.isPresent()
              ? "loads: %d parameters".formatted(run.parameters)
              : "loads: parameter count unknown (the ONNX graph has no initializers to count)");
      if (regressor) {
        run.log(
            ("task regression: every probe row must get %d finite predicted value%s"
                    + " (output.dimension)")
                .formatted(spec.output().dimension(), spec.output().dimension() == 1 ? "" : "s"));
      }
      describeProbes().forEach(run::log);
      List<Probe> probeSets = probes();
      for (int i = 0; i < probeSets.size(); i++) {
        Probe probe = probeSets.get(i);
        listener.progress("running the " + probe.name(), 0.1 + 0.6 * i / probeSets.size());
        if (!run.check(loaded, probe)) {
          return run.report();
        }
      }
      listener.progress("measuring latency", 0.7);
      run.latency = latencyMsPerSample(loaded, probeSets.getFirst().samples());
      run.log(
          String.format(
              Locale.ROOT,
              "latency: %.4f ms per sample (%d batches of %d after %d warm-up batches)",
              run.latency,
              LATENCY_BATCHES,
              probes,
              WARMUP_BATCHES));
    } catch (ModelException e) {
      run.fail(e.summary());
      run.modelError = e.modelText().orElse(null);
    } finally {
      listener.progress("done", 1);
    }
    return run.report();
  }

  /** The probe batches: random samples first, then points herded from a table RKME. */
  List<Probe> probes() {
    List<Probe> out = new ArrayList<>();
    out.add(new Probe("random probes", randomSamples()));
    if (herdingSkipped().isEmpty()) {
      out.add(new Probe("herded probes", Rkme.fromSpec(spec.statistical()).herd(probes, seed)));
    }
    return out;
  }

  /** Why no points are herded for this specification, or empty when they are. */
  private Optional<String> herdingSkipped() {
    RkmeSpec statistical = spec.statistical();
    if (statistical == null) {
      return Optional.of("the specification has no RKME");
    }
    if (statistical.featureMap() != null) {
      return Optional.of(
          "the image RKME lives in the feature space of %s, not in pixel space"
              .formatted(statistical.featureMap().type()));
    }
    if (statistical.dimension() != inputShape.size()) {
      return Optional.of(
          "the RKME has dimension %d, the input %d"
              .formatted(statistical.dimension(), inputShape.size()));
    }
    return Optional.empty();
  }

  /** What {@link #probes()} draws, for the log. */
  private List<String> describeProbes() {
    double[] range = range(spec.input());
    String random =
        spec.dataType() == DataType.IMAGE
            ? "random probes: %d images of %s, pixels uniform in [%s, %s]"
                .formatted(probes, inputShape.describeBatch(), range[0], range[1])
            : "random probes: %d rows of %d features, each standard normal (tables declare no range)"
                .formatted(probes, inputShape.size());
    String herded =
        herdingSkipped()
            .map(why -> "herding skipped: " + why)
            .orElseGet(
                () ->
                    "herded probes: %d points herded from the RKME (K=%d, gamma %s, seed %d)"
                        .formatted(
                            probes,
                            spec.statistical().z().length,
                            spec.statistical().gamma(),
                            seed));
    return List.of(random, herded);
  }

  private Matrix randomSamples() {
    SplittableRandom random = new SplittableRandom(seed);
    double[] data = new double[probes * inputShape.size()];
    if (spec.dataType() == DataType.IMAGE) {
      double[] range = range(spec.input());
      for (int i = 0; i < data.length; i++) {
        data[i] = random.nextDouble(range[0], Math.nextUp(range[1]));
      }
    } else {
      for (int i = 0; i < data.length; i++) {
        data[i] = gaussian(random);
      }
    }
    return new Matrix(probes, inputShape.size(), data);
  }

  /** The mean of {@link #LATENCY_BATCHES} timed passes over {@code samples}, after a warm-up. */
  private static double latencyMsPerSample(RunnableModel model, Matrix samples)
      throws ModelException {
    // The first passes run TorchScript's profiling executor (or ONNX Runtime's first-run setup)
    // and allocator warm-up: not timed.
    for (int i = 0; i < WARMUP_BATCHES; i++) {
      model.predict(samples);
    }
    long start = System.nanoTime();
    for (int i = 0; i < LATENCY_BATCHES; i++) {
      model.predict(samples);
    }
    return (System.nanoTime() - start) / 1e6 / ((long) LATENCY_BATCHES * samples.rows());
  }

  private static double[] range(InputSpec input) {
    List<Double> range = input.range();
    return range == null || range.size() != 2
        ? new double[] {0, 1}
        : new double[] {range.get(0), range.get(1)};
  }

  /** Box–Muller, so that the probes depend on the seed only, not on the JDK's algorithm. */
  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  private static String sizeOf(Path file) {
    try {
      return String.valueOf(Files.size(file));
    } catch (IOException e) {
      return "?";
    }
  }

  /** The state of one {@link #run()}. */
  private final class Run {
    private final List<String> log = new ArrayList<>();
    private boolean loads;
    private List<Long> outputShape;
    private boolean finite;
    private Long parameters;
    private Double latency;
    private String reason;
    private String modelError;

    void log(String line) {
      log.add(line);
    }

    /**
     * Runs one probe batch and checks its outputs; false (with the reason set) on a defect. Both
     * the dimension and the finiteness are recorded, so the report is complete either way.
     */
    boolean check(RunnableModel model, Probe probe) throws ModelException {
      float[][] outputs = model.predict(probe.samples());
      int k = outputs[0].length;
      if (outputShape == null) {
        outputShape = List.of((long) outputs.length, (long) k);
      }
      long values = (long) outputs.length * k;
      long nonFinite = 0;
      int firstRow = -1;
      int firstColumn = -1;
      for (int i = 0; i < outputs.length; i++) {
        for (int c = 0; c < k; c++) {
          if (!Float.isFinite(outputs[i][c]) && nonFinite++ == 0) {
            firstRow = i;
            firstColumn = c;
          }
        }
      }
      finite = nonFinite == 0;
      int declared = spec.output().dimension();
      if (k != declared) {
        fail(
            regressor
                ? ("the model returned %d values per row; the spec declares output.dimension %d"
                        + " (predicted values per row of a regressor)")
                    .formatted(k, declared)
                : "the model returned %d outputs per row; the spec declares output.dimension %d"
                    .formatted(k, declared));
        return false;
      }
      if (!finite) {
        fail(
            ("the model returned %d non-finite %s (NaN or infinite) among %d outputs on the"
                    + " %s, the first at row %d, output %d (%s)")
                .formatted(
                    nonFinite,
                    regressor ? "predictions" : "values",
                    values,
                    probe.name(),
                    firstRow,
                    firstColumn,
                    outputs[firstRow][firstColumn]));
        return false;
      }
      log(
          "%s: output shape [%d, %d] matches output.dimension %d; all %d %s finite%s"
              .formatted(
                  probe.name(),
                  outputs.length,
                  k,
                  declared,
                  values,
                  regressor ? "predictions" : "values",
                  regressor ? predictionRange(outputs) : ""));
      return true;
    }

    /** ", from a to b (mean m)" over every predicted value, for the log. */
    private static String predictionRange(float[][] outputs) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      double sum = 0;
      long count = 0;
      for (float[] row : outputs) {
        for (float value : row) {
          min = Math.min(min, value);
          max = Math.max(max, value);
          sum += value;
          count++;
        }
      }
      return String.format(Locale.ROOT, ", from %.6g to %.6g (mean %.6g)", min, max, sum / count);
    }

    void fail(String why) {
      reason = why;
    }

    ValidationReport report() {
      boolean usable = reason == null;
      log(usable ? "verdict: usable" : "verdict: not usable: " + reason);
      return new ValidationReport(
          loads, outputShape, finite, parameters, latency, log, usable, reason, modelError);
    }
  }

  /** Settings of a {@link Validation}. */
  public static final class Builder {
    private Path model;
    private List<ModelSource> members = List.of();
    private LearnwareSpec spec;
    private Device device;
    private long seed;
    private int probes = DEFAULT_PROBES;
    private Listener listener = (stage, fraction) -> {};

    private Builder() {}

    /** The model artifact, in the specification's model.format. */
    public Builder setModel(Path model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /** A published ensemble's members, downloaded, in its manifest's order. */
    public Builder optMembers(List<ModelSource> members) {
      this.members = List.copyOf(members);
      return this;
    }

    /** The specification the model must satisfy. */
    public Builder setSpec(LearnwareSpec spec) {
      this.spec = Objects.requireNonNull(spec, "spec");
      return this;
    }

    public Builder optDevice(Device device) {
      this.device = Objects.requireNonNull(device, "device");
      return this;
    }

    /** Fixes the random probes and the herding. */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Samples per probe batch (random, and herded when there is a table RKME). */
    public Builder optProbes(int probes) {
      if (probes < 1 || probes > MAX_PROBES) {
        throw new IllegalArgumentException(
            "probes must be between 1 and %d, got %d".formatted(MAX_PROBES, probes));
      }
      this.probes = probes;
      return this;
    }

    public Builder optListener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @throws IllegalStateException when a required setting is missing
     * @throws IllegalArgumentException when this worker cannot validate the specification's kind of
     *     learnware (see {@link #unsupported})
     */
    public Validation build() {
      if (model == null || spec == null) {
        throw new IllegalStateException("setModel and setSpec are required");
      }
      try {
        return new Validation(this, supportedInputShape(spec));
      } catch (ModelException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
  }
}
