package io.learnware.worker.robustness;

import io.learnware.spec.DataType;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.NormalizationSpec;
import io.learnware.spec.Task;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.job.RegressionMetrics;
import io.learnware.worker.model.CapabilityException;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.RunnableModel;
import io.learnware.worker.robustness.RobustnessReport.AttackRow;
import io.learnware.worker.robustness.RobustnessReport.AttackRun;
import io.learnware.worker.robustness.RobustnessReport.Clean;
import io.learnware.worker.robustness.RobustnessReport.CorruptionRow;
import io.learnware.worker.robustness.RobustnessReport.FooledClass;
import io.learnware.worker.robustness.RobustnessReport.FoolingSummary;
import io.learnware.worker.robustness.RobustnessReport.NoiseRow;
import io.learnware.worker.robustness.RobustnessReport.Score;
import io.learnware.worker.robustness.RobustnessReport.Skipped;
import io.learnware.worker.robustness.RobustnessReport.SquareRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Robustness of a classifier or a single-output regressor of any format, on labelled data: clean,
 * under Gaussian noise, under L∞ attacks — FGSM and PGD where the model has input gradients, Square
 * Attack (score-based, black-box) where it has not or when asked — and, for images, under the
 * CIFAR-10-C style corruptions. A classifier is measured by its accuracy (clean also its ECE, and
 * when asked the fooling test, {@link Fooling}); the attacks raise its cross-entropy. A regressor
 * is measured by MAE, RMSE and R² against numeric targets; the attacks raise its squared error, and
 * calibration and fooling, which are about classes, are skipped with the reason in the report. The
 * report says which attacks ran and why. See docs/robustness.md.
 *
 * <pre>{@code
 * RobustnessReport report = Robustness.builder()
 *     .setSpec(spec)                    // task, data type, input range, image shape, labels
 *     .setData(x, labels)               // or .setData(x, targets) for a regressor
 *     .optEpsilons(List.of(0.05, 0.1))
 *     .build()                          // checks ε against the input range
 *     .run(model);
 * }</pre>
 *
 * <p>Required: {@link Builder#setSpec} and {@link Builder#setData}; the model is given to {@link
 * #run}, so that the settings and data are checked before it is loaded. The optional settings have
 * the defaults below, some per task. Deterministic: every random draw is seeded.
 */
public final class Robustness {

  public static final List<Double> DEFAULT_NOISE = List.of(0.05, 0.1, 0.2);
  public static final List<Double> DEFAULT_EPSILONS = List.of(0.05, 0.1);

  /**
   * A regressor's default noise σ, in input units: on standardised features a tenth, a quarter and
   * half of a feature's standard deviation.
   */
  public static final List<Double> DEFAULT_REGRESSION_NOISE = List.of(0.1, 0.25, 0.5);

  /** A regressor's default L∞ budgets, in input units (standard deviations when standardised). */
  public static final List<Double> DEFAULT_REGRESSION_EPSILONS = List.of(0.05, 0.1, 0.2);

  /**
   * Noise draws a regressor's error under each σ is pooled over: on a small table one draw's error
   * is itself noisy (diabetes-mlp's 89 test rows, σ 0.5: RMSE 52.7 to 59.9 between draws).
   */
  public static final int REGRESSION_NOISE_DRAWS = 10;

  public static final int DEFAULT_PGD_STEPS = 10;
  public static final int MAX_PGD_STEPS = 1000;
  public static final List<Integer> DEFAULT_SEVERITIES = List.of(1, 2, 3, 4, 5);
  public static final int ECE_BINS = 15;

  /** Why a regressor gets no fooling test. */
  public static final String FOOLING_IS_FOR_CLASSIFIERS =
      "fooling is a test of classifiers only: it searches for inputs that a class gets with"
          + " 99% confidence, and a regressor has no classes";

  static final long SEED = 0;

  /** Hears a run's progress; throwing from either method (e.g. on cancellation) stops the run. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param done stages complete, with the fraction of the running one for the searches
     * @param stages the run's stages: clean, each σ, each attack at each ε, each corruption at each
     *     severity, the fooling search
     * @param message what runs now
     */
    void progress(double done, int stages, String message);

    /** Called after each stage, and before the progress of each step of a search. */
    default void checkpoint() {}
  }

  private final LearnwareSpec spec;
  private final boolean regressor;
  private final Matrix x;
  private final int[] labels;
  private final double[] targets;
  private final double low;
  private final double high;
  private final InputShape shape;
  private final List<Double> noise;
  private final List<Double> epsilons;
  private final int steps;
  private final Double stepSize;
  private final boolean randomStart;
  private final int squareQueries;
  private final double squareP;
  private final Boolean blackBoxAsked;
  private final List<Corruption> corruptions;
  private final List<Integer> severities;
  private final Integer foolingGenerations;
  private final Integer foolingPopulation;
  private final Listener listener;

  private Robustness(Builder b, double low, double high, InputShape shape) {
    this.spec = b.spec;
    this.regressor = b.spec.task() == Task.REGRESSION;
    this.x = b.x;
    this.labels = b.labels;
    this.targets = b.targets;
    this.low = low;
    this.high = high;
    this.shape = shape;
    this.noise = b.noise != null ? b.noise : regressor ? DEFAULT_REGRESSION_NOISE : DEFAULT_NOISE;
    this.epsilons = epsilons(b, regressor);
    this.steps = b.steps;
    this.stepSize = b.stepSize;
    this.randomStart = b.randomStart;
    this.squareQueries = b.squareQueries;
    this.squareP = b.squareP;
    this.blackBoxAsked = b.blackBox;
    this.corruptions =
        b.spec.dataType() != DataType.IMAGE
            ? List.of()
            : b.corruptions != null ? b.corruptions : List.of(Corruption.values());
    this.severities = b.severities;
    this.foolingGenerations = b.foolingGenerations;
    this.foolingPopulation = b.foolingPopulation;
    this.listener = b.listener;
  }

  private static List<Double> epsilons(Builder b, boolean regressor) {
    if (b.epsilons != null) {
      return b.epsilons;
    }
    return regressor ? DEFAULT_REGRESSION_EPSILONS : DEFAULT_EPSILONS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Measures {@code model} (loaded from the spec's learnware) on the data.
   *
   * @throws ModelException when the model fails on the inputs
   */
  public RobustnessReport run(RunnableModel model) throws ModelException {
    // White-box attacks where the format has gradients; the black-box one where it has not.
    Attacks attacks = null;
    String noGradients = null;
    if (!epsilons.isEmpty()) {
      try {
        attacks = Attacks.of(model);
      } catch (CapabilityException e) {
        noGradients = e.getMessage();
      }
    }
    boolean blackBox =
        !epsilons.isEmpty() && (blackBoxAsked != null ? blackBoxAsked : attacks == null);
    int stages =
        1
            + noise.size()
            + (attacks != null ? 2 * epsilons.size() : 0)
            + (blackBox ? epsilons.size() : 0)
            + corruptions.size() * severities.size()
            + (foolingGenerations != null ? 1 : 0);
    List<AttackRun> attacksRun =
        attacksRun(
            model,
            attacks != null,
            noGradients,
            blackBox,
            regressor ? "the squared error" : "the cross-entropy");
    return new Run(model, attacks, blackBox, stages).measure(attacksRun);
  }

  /**
   * One run's measurements of a loaded model: the stages and their progress. Both tasks go through
   * the same stages; a classifier is scored by accuracy, a regressor by its error.
   */
  private final class Run {
    private final RunnableModel model;
    private final Attacks attacks;
    private final boolean blackBox;
    private final int stages;
    private int done;

    Run(RunnableModel model, Attacks attacks, boolean blackBox, int stages) {
      this.model = model;
      this.attacks = attacks;
      this.blackBox = blackBox;
      this.stages = stages;
    }

    private void step() {
      listener.checkpoint();
      done++;
    }

    private void stage(String message) {
      listener.progress(done, stages, message);
    }

    /**
     * Clean, noise, FGSM and PGD, Square Attack, corruptions; then a classifier's fooling search
     * when asked, or what does not apply to a regressor.
     */
    RobustnessReport measure(List<AttackRun> attacksRun) throws ModelException {
      Clean clean = regressor ? cleanError() : cleanAccuracy();
      step();

      List<NoiseRow> noiseRows = new ArrayList<>();
      double[] pooledTargets = regressor ? pooled(targets) : null;
      for (int i = 0; i < noise.size(); i++) {
        double sigma = noise.get(i);
        stage("Gaussian noise σ=" + sigma);
        noiseRows.add(
            regressor
                ? pooledNoise(i, sigma, pooledTargets)
                : new NoiseRow(
                    sigma,
                    score(
                        model.predict(
                            Noise.gaussian(x, sigma * (high - low), SEED + i, low, high))),
                    null));
        step();
      }

      List<AttackRow> fgsm = new ArrayList<>();
      List<AttackRow> pgd = new ArrayList<>();
      if (attacks != null) {
        for (double eps : epsilons) {
          stage("FGSM ε=" + eps);
          Matrix adversarial =
              regressor
                  ? attacks.fgsm(x, targets, eps, low, high)
                  : attacks.fgsm(x, labels, eps, low, high);
          fgsm.add(new AttackRow(eps, null, attacked(adversarial)));
          step();
        }
        for (double eps : epsilons) {
          stage("PGD ε=" + eps);
          double size = stepSize != null ? stepSize : eps / 4;
          Matrix adversarial =
              regressor
                  ? attacks.pgd(x, targets, eps, steps, size, randomStart, SEED, low, high)
                  : attacks.pgd(x, labels, eps, steps, size, randomStart, SEED, low, high);
          pgd.add(new AttackRow(eps, steps, attacked(adversarial)));
          step();
        }
      }

      List<SquareRow> square = new ArrayList<>();
      if (blackBox) {
        for (double eps : epsilons) {
          square.add(squareAttack(eps));
          step();
        }
      }

      List<CorruptionRow> corrupted = corrupt();
      return new RobustnessReport(
          regressor ? Task.REGRESSION : Task.CLASSIFICATION,
          new RobustnessReport.Data(null, x.rows()),
          clean,
          noiseRows,
          fgsm,
          pgd,
          square,
          attacksRun,
          corrupted,
          foolingGenerations != null ? fooling() : null,
          regressor ? skipped() : List.of());
    }

    /** A classifier's outputs scored by accuracy, a regressor's by its error. */
    private Score score(float[][] outputs) {
      return regressor
          ? Score.error(RegressionMetrics.of(outputs, targets))
          : Score.accuracy(accuracy(outputs, labels));
    }

    /** The model on adversarial inputs. */
    private Score attacked(Matrix adversarial) throws ModelException {
      return regressor
          ? score(model.predict(adversarial))
          : Score.accuracy(attacks.accuracy(adversarial, labels));
    }

    private Clean cleanAccuracy() throws ModelException {
      stage("clean accuracy and calibration");
      float[][] logits = model.predict(x);
      List<Calibration.Bin> bins =
          Calibration.reliability(Calibration.softmax(logits), labels, ECE_BINS);
      return new Clean(
          score(logits), Calibration.expectedCalibrationError(bins, labels.length), bins);
    }

    private Clean cleanError() throws ModelException {
      stage("clean error");
      return new Clean(score(model.predict(x)), null, null);
    }

    /** The targets once per noise draw, as the pooled table of draws × rows. */
    private double[] pooled(double[] values) {
      int n = values.length;
      double[] out = new double[REGRESSION_NOISE_DRAWS * n];
      for (int draw = 0; draw < REGRESSION_NOISE_DRAWS; draw++) {
        System.arraycopy(values, 0, out, draw * n, n);
      }
      return out;
    }

    /**
     * A regressor's error under noise σ in input units, like ε (a fraction of a standardised
     * feature's standard deviation): the errors of several draws pooled.
     */
    private NoiseRow pooledNoise(int i, double sigma, double[] pooledTargets)
        throws ModelException {
      int n = x.rows();
      float[][] pooled = new float[REGRESSION_NOISE_DRAWS * n][];
      for (int draw = 0; draw < REGRESSION_NOISE_DRAWS; draw++) {
        long seed = SEED + (long) i * REGRESSION_NOISE_DRAWS + draw;
        float[][] outputs = model.predict(Noise.gaussian(x, sigma, seed, low, high));
        System.arraycopy(outputs, 0, pooled, draw * n, n);
      }
      return new NoiseRow(
          sigma, Score.error(RegressionMetrics.of(pooled, pooledTargets)), REGRESSION_NOISE_DRAWS);
    }

    /** Square Attack at ε: a classifier's accuracy, or a regressor's error on what it found. */
    private SquareRow squareAttack(double eps) throws ModelException {
      double from = done;
      SquareAttack attack =
          SquareAttack.builder()
              .setModel(model)
              .setEpsilon(eps)
              .optQueries(squareQueries)
              .optP(squareP)
              .optSeed(SEED)
              .optRange(low, high)
              .optListener(
                  (iteration, iterations, fooled, rows) -> {
                    listener.checkpoint();
                    listener.progress(
                        from + (double) iteration / iterations,
                        stages,
                        regressor
                            ? "Square Attack ε=%s: query %d of %d on %d rows"
                                .formatted(eps, iteration + 1, iterations + 1, rows)
                            : "Square Attack ε=%s: query %d of %d, %d of %d rows fooled"
                                .formatted(eps, iteration + 1, iterations + 1, fooled, rows));
                  })
              .build();
      if (regressor) {
        SquareAttack.RegressionResult result = attack.run(x, targets);
        return new SquareRow(
            eps,
            score(model.predict(result.adversarial())),
            result.queries(),
            result.queries(),
            squareP);
      }
      SquareAttack.Result result = attack.run(x, labels);
      return new SquareRow(
          eps, Score.accuracy(result.accuracy()), result.queries(), result.meanQueries(), squareP);
    }

    /** The model on each corruption at each severity; images are mapped to [0, 1] and back. */
    private List<CorruptionRow> corrupt() throws ModelException {
      List<CorruptionRow> out = new ArrayList<>();
      if (corruptions.isEmpty()) {
        return out;
      }
      int channels = spec.input().channels();
      int height = spec.input().height();
      int imageWidth = spec.input().width();
      Matrix unit = rescale(x, low, high, 0, 1);
      for (Corruption corruption : corruptions) {
        String name = corruption.name().toLowerCase(Locale.ROOT);
        for (int severity : severities) {
          stage("corruption %s, severity %d".formatted(name, severity));
          Matrix c = corruption.apply(unit, channels, height, imageWidth, severity, SEED);
          out.add(
              new CorruptionRow(name, severity, score(model.predict(rescale(c, 0, 1, low, high)))));
          step();
        }
      }
      return out;
    }

    /** The fooling search, the last stage; it may stop early, and progress must not go back. */
    private FoolingSummary fooling() throws ModelException {
      double[] reached = {done};
      double[][] bounds = bounds(spec, model.inputShape(), low, high);
      Fooling.Result result =
          Fooling.builder()
              .setInputShape(shape)
              .optGenerations(foolingGenerations)
              .optPopulation(foolingPopulation)
              .optSeed(SEED)
              .setModel(model::predict)
              .optRange(bounds[0], bounds[1])
              .optListener(
                  (generation, generations, fooled, classes) -> {
                    listener.checkpoint();
                    reached[0] = done + (double) generation / generations;
                    listener.progress(
                        reached[0],
                        stages,
                        "fooling: generation %d of at most %d, %d of %d classes fooled"
                            .formatted(generation, generations, fooled, classes));
                  })
              .build()
              .run();
      listener.progress(reached[0], stages, "fooling: distances to the data");
      FoolingSummary summary = foolingSummary(result, x, spec.output().labels());
      step();
      return summary;
    }
  }

  /** What does not apply to a regressor, and why. */
  private List<Skipped> skipped() {
    List<Skipped> out = new ArrayList<>();
    if (spec.dataType() != DataType.IMAGE) {
      out.add(
          new Skipped(
              "corruptions",
              "the corruptions (noise, blur, contrast, brightness, pixelation, JPEG) are"
                  + " image operations; this learnware's inputs are a table"));
    }
    out.add(
        new Skipped(
            "calibration",
            "calibration compares a classifier's confidence with its accuracy; a regressor"
                + " predicts values, not class probabilities"));
    out.add(
        new Skipped(
            "fooling",
            "the fooling test searches for inputs a class gets with 99% confidence; a"
                + " regressor has no classes"));
    return out;
  }

  /** Which attacks ran and why: fgsm, pgd and square. */
  private List<AttackRun> attacksRun(
      RunnableModel model, boolean gradients, String noGradients, boolean blackBox, String loss) {
    String whiteBox;
    if (epsilons.isEmpty()) {
      whiteBox = "epsilons is empty";
    } else if (gradients) {
      whiteBox =
          "white-box: input gradients of %s through the %s model"
              .formatted(loss, model.format().jsonName());
    } else {
      whiteBox = noGradients;
    }
    String square;
    if (epsilons.isEmpty()) {
      square = "epsilons is empty";
    } else if (blackBox) {
      square =
          gradients
              ? "asked for (blackBox: true), next to FGSM and PGD"
              : "score-based black-box attack in place of FGSM and PGD, which need input gradients";
    } else {
      square =
          gradients
              ? "the model has input gradients, so FGSM and PGD ran; give \"blackBox\": true to run"
                  + " it as well"
              : "blackBox: false was given";
    }
    return List.of(
        new AttackRun("fgsm", gradients, whiteBox),
        new AttackRun("pgd", gradients, whiteBox),
        new AttackRun("square", blackBox, square));
  }

  /**
   * The valid model inputs, per value: [low, high], or, for an image whose spec declares the
   * normalisation its caller applies, ((low − mean_c)/std_c, (high − mean_c)/std_c) per channel c.
   */
  static double[][] bounds(LearnwareSpec source, InputShape shape, double low, double high) {
    int d = shape.size();
    double[] lows = new double[d];
    double[] highs = new double[d];
    NormalizationSpec normalization = source.input().normalization();
    if (source.dataType() != DataType.IMAGE || normalization == null) {
      Arrays.fill(lows, low);
      Arrays.fill(highs, high);
      return new double[][] {lows, highs};
    }
    int channels = source.input().channels();
    int plane = d / channels;
    for (int c = 0; c < channels; c++) {
      double mean = normalization.mean().get(c);
      double std = normalization.std().get(c);
      Arrays.fill(lows, c * plane, (c + 1) * plane, (low - mean) / std);
      Arrays.fill(highs, c * plane, (c + 1) * plane, (high - mean) / std);
    }
    return new double[][] {lows, highs};
  }

  /**
   * The fooling search's result with each class's distance from its best input to the evaluation
   * data, absolute and relative to the data's typical nearest-neighbour distance.
   */
  private static FoolingSummary foolingSummary(
      Fooling.Result result, Matrix data, List<String> labels) {
    DataDistance distance = data.rows() >= 2 ? DataDistance.of(data, SEED) : null;
    boolean relative = distance != null && distance.typical() > 0;
    List<FooledClass> perClass = new ArrayList<>();
    for (Fooling.ClassResult c : result.perClass()) {
      Double nearest = distance != null ? distance.nearest(c.input()) : null;
      perClass.add(
          new FooledClass(
              labels != null && c.index() < labels.size()
                  ? labels.get(c.index())
                  : Integer.toString(c.index()),
              c.fooled(),
              c.bestConfidence(),
              c.generations(),
              nearest,
              relative ? nearest / distance.typical() : null));
    }
    return new FoolingSummary(
        result.classesFooled(),
        Fooling.DEFAULT_TARGET,
        result.generations(),
        result.evaluations(),
        distance != null ? distance.typical() : null,
        perClass);
  }

  /** Fraction of rows whose largest output (first on ties) is at their label. */
  static double accuracy(float[][] outputs, int[] labels) {
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      float[] row = outputs[i];
      int best = 0;
      for (int j = 1; j < row.length; j++) {
        if (row[j] > row[best]) {
          best = j;
        }
      }
      if (best == labels[i]) {
        correct++;
      }
    }
    return (double) correct / labels.length;
  }

  private static Matrix rescale(
      Matrix x, double fromLow, double fromHigh, double toLow, double toHigh) {
    if (fromLow == toLow && fromHigh == toHigh) {
      return x;
    }
    double scale = (toHigh - toLow) / (fromHigh - fromLow);
    double[] in = x.data();
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = Math.min(toHigh, Math.max(toLow, toLow + (in[i] - fromLow) * scale));
    }
    return new Matrix(x.rows(), x.columns(), out);
  }

  /** Settings of a {@link Robustness}; each setter checks its value. */
  public static final class Builder {
    private LearnwareSpec spec;
    private Matrix x;
    private int[] labels;
    private double[] targets;
    // Null until set: the defaults depend on the task, or (corruptions) on the data type.
    private List<Double> noise;
    private List<Double> epsilons;
    private List<Corruption> corruptions;
    private Boolean blackBox;
    private int steps = DEFAULT_PGD_STEPS;
    private Double stepSize;
    private boolean randomStart;
    private int squareQueries = SquareAttack.DEFAULT_QUERIES;
    private double squareP = SquareAttack.DEFAULT_P;
    private List<Integer> severities = DEFAULT_SEVERITIES;
    private Integer foolingGenerations;
    private Integer foolingPopulation;
    private Listener listener = (done, stages, message) -> {};

    private Builder() {}

    /**
     * The learnware's specification: its task (classification, or regression with one output), data
     * type (table or image), input range, image shape and normalisation, and class labels.
     */
    public Builder setSpec(LearnwareSpec spec) {
      this.spec = Objects.requireNonNull(spec, "spec");
      return this;
    }

    /**
     * A classifier's data.
     *
     * @param x one row per sample, as the model takes them
     * @param labels each row's class
     */
    public Builder setData(Matrix x, int[] labels) {
      return data(x, labels.clone(), null, labels.length);
    }

    /**
     * A regressor's data.
     *
     * @param x one row per sample, as the model takes them
     * @param targets each row's target
     */
    public Builder setData(Matrix x, double[] targets) {
      return data(x, null, targets.clone(), targets.length);
    }

    private Builder data(Matrix x, int[] labels, double[] targets, int answers) {
      Objects.requireNonNull(x, "x");
      if (x.rows() == 0) {
        throw new IllegalArgumentException("the data set has no rows");
      }
      if (answers != x.rows()) {
        throw new IllegalArgumentException(
            "%d labels or targets for %d rows".formatted(answers, x.rows()));
      }
      this.x = x;
      this.labels = labels;
      this.targets = targets;
      return this;
    }

    /**
     * Gaussian noise σ, each finite and ≥ 0: a classifier's a fraction of the input range, a
     * regressor's in input units; default {@link #DEFAULT_NOISE} or {@link
     * #DEFAULT_REGRESSION_NOISE}.
     */
    public Builder optNoise(List<Double> sigmas) {
      for (double sigma : sigmas) {
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
          throw new IllegalArgumentException("noise σ must be finite and ≥ 0, got " + sigma);
        }
      }
      this.noise = List.copyOf(sigmas);
      return this;
    }

    /**
     * L∞ budgets of the attacks, in input units, each in [0, min(1, the input range's width)]
     * (checked by {@link #build}); default {@link #DEFAULT_EPSILONS} or {@link
     * #DEFAULT_REGRESSION_EPSILONS}. Empty: no attacks.
     */
    public Builder optEpsilons(List<Double> epsilons) {
      this.epsilons = List.copyOf(epsilons);
      return this;
    }

    public Builder optPgdSteps(int steps) {
      if (steps < 1 || steps > MAX_PGD_STEPS) {
        throw new IllegalArgumentException(
            "pgdSteps must be an integer 1..%d, got %d".formatted(MAX_PGD_STEPS, steps));
      }
      this.steps = steps;
      return this;
    }

    /** PGD's step; default ε/4. */
    public Builder optPgdStepSize(double stepSize) {
      if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
        throw new IllegalArgumentException("pgdStepSize must be finite and > 0, got " + stepSize);
      }
      this.stepSize = stepSize;
      return this;
    }

    /** Starts PGD at a random point of the ε-ball; default false. */
    public Builder optRandomStart(boolean randomStart) {
      this.randomStart = randomStart;
      return this;
    }

    /**
     * Square Attack's model evaluations per sample; default {@value SquareAttack#DEFAULT_QUERIES}.
     */
    public Builder optSquareQueries(int queries) {
      if (queries < 1 || queries > SquareAttack.MAX_QUERIES) {
        throw new IllegalArgumentException(
            "squareQueries must be an integer 1..%d, got %d"
                .formatted(SquareAttack.MAX_QUERIES, queries));
      }
      this.squareQueries = queries;
      return this;
    }

    /** The fraction of the input Square Attack's first windows cover; default 0.05. */
    public Builder optSquareP(double p) {
      if (!(p > 0 && p <= 1)) {
        throw new IllegalArgumentException("squareP must be a number in (0, 1], got " + p);
      }
      this.squareP = p;
      return this;
    }

    /**
     * Whether Square Attack runs; by default only where the model has no input gradients (so FGSM
     * and PGD cannot).
     */
    public Builder optBlackBox(boolean blackBox) {
      this.blackBox = blackBox;
      return this;
    }

    /** The corruptions of an image learnware; default all. Tables have none. */
    public Builder optCorruptions(List<Corruption> corruptions) {
      this.corruptions = List.copyOf(corruptions);
      return this;
    }

    /** The corruptions' severities, each 1..5; default all five. */
    public Builder optSeverities(List<Integer> severities) {
      for (int severity : severities) {
        if (severity < Corruption.MIN_SEVERITY || severity > Corruption.MAX_SEVERITY) {
          throw new IllegalArgumentException("severity must be an integer 1..5, got " + severity);
        }
      }
      this.severities = List.copyOf(severities);
      return this;
    }

    /**
     * Runs the fooling search ({@link Fooling}) with these settings, for a classifier; off by
     * default.
     *
     * @throws IllegalArgumentException out of Fooling's ranges or beyond its budget of model
     *     evaluations
     */
    public Builder optFooling(int generations, int population) {
      // Fooling's own checks and messages, before anything is read; run() builds the search.
      Fooling.builder().optGenerations(generations).optPopulation(population);
      Fooling.checkBudget(population, generations);
      this.foolingGenerations = generations;
      this.foolingPopulation = population;
      return this;
    }

    public Builder optListener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @throws IllegalStateException if a required setting is missing
     * @throws IllegalArgumentException if the spec is not of a learnware this measures, the data do
     *     not suit its task, or an ε is outside the input range
     */
    public Robustness build() {
      if (spec == null || x == null) {
        throw new IllegalStateException("setSpec and setData are required");
      }
      boolean regressor = spec.task() == Task.REGRESSION;
      if (!regressor && spec.task() != Task.CLASSIFICATION
          || regressor && spec.output().dimension() != 1
          || spec.dataType() != DataType.TABLE && spec.dataType() != DataType.IMAGE) {
        throw new IllegalArgumentException(
            "robustness is measured for classifiers and single-output regressors of tables or"
                + " images");
      }
      if (regressor ? targets == null : labels == null) {
        throw new IllegalArgumentException(
            regressor
                ? "a regressor is measured against numeric targets, not class labels"
                : "a classifier is measured against class labels, not numeric targets");
      }
      if (regressor && foolingGenerations != null) {
        throw new IllegalArgumentException(FOOLING_IS_FOR_CLASSIFIERS);
      }
      if (spec.dataType() != DataType.IMAGE && corruptions != null && !corruptions.isEmpty()) {
        throw new IllegalArgumentException(
            "the corruptions are image operations; this learnware's inputs are a table");
      }
      InputShape shape;
      try {
        shape = InputShape.of(spec);
      } catch (ModelException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      // The range inputs stay in: the spec's input.range, else (tables) the data's own.
      double low;
      double high;
      if (spec.input().range() != null) {
        low = spec.input().range().get(0);
        high = spec.input().range().get(1);
      } else if (spec.dataType() == DataType.IMAGE) {
        low = 0;
        high = 1;
      } else {
        low = Arrays.stream(x.data()).min().orElse(0);
        high = Arrays.stream(x.data()).max().orElse(1);
      }
      double width = high - low;
      for (double eps : epsilons(this, regressor)) {
        if (!(eps >= 0) || eps > 1 || eps > width) {
          throw new IllegalArgumentException(
              "epsilon must be in [0, %s] (the input range is [%s, %s]), got %s"
                  .formatted(Math.min(1, width), low, high, eps));
        }
      }
      return new Robustness(this, low, high, shape);
    }
  }
}
