package io.learnware.worker.robustness;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.DataType;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.NormalizationSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.Task;
import io.learnware.spec.data.ProgressListener;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.job.BenchmarkSets;
import io.learnware.worker.job.Datasets;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.JobParams;
import io.learnware.worker.job.JobProgress;
import io.learnware.worker.job.RegressionMetrics;
import io.learnware.worker.model.CapabilityException;
import io.learnware.worker.model.Devices;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelRuntime;
import io.learnware.worker.model.RunnableModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code robustness} job: evaluates a classifier or a single-output regressor of any format on
 * a labelled data set, clean, under Gaussian noise, under L∞ attacks — FGSM and PGD where the model
 * has input gradients, Square Attack (score-based, black-box) where it has not or when asked — and,
 * for images, under the CIFAR-10-C style corruptions. A classifier is measured by its accuracy
 * (clean also its ECE, and when asked the fooling test, {@link Fooling}); the attacks raise its
 * cross-entropy. A regressor is measured by MAE, RMSE and R² against numeric targets; the attacks
 * raise its squared error, and calibration and fooling, which are about classes, are skipped with
 * the reason in the report. The report says which attacks ran and why. Parameters and the report
 * are the contract's; see docs/robustness.md.
 */
public final class RobustnessHandler implements JobHandler {

  public static final String TYPE = "robustness";

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
  public static final int ECE_BINS = 15;
  static final long SEED = 0;

  private static final Set<String> PARAMETERS =
      new TreeSet<>(
          List.of(
              "noise",
              "epsilons",
              "pgdSteps",
              "pgdStepSize",
              "randomStart",
              "corruptions",
              "severities",
              "fooling",
              "benchmark",
              "blackBox",
              "squareQueries",
              "squareP"));

  private static final Set<String> FOOLING_PARAMETERS =
      new TreeSet<>(List.of("generations", "population"));

  private static final String ROLE = "the model";

  /** The job's parameters, checked. */
  private record Settings(
      List<Double> noise,
      List<Double> epsilons,
      int steps,
      Double stepSize,
      boolean randomStart,
      int squareQueries,
      double squareP,
      Boolean blackBoxAsked,
      List<Corruption> corruptions,
      List<Integer> severities,
      Fooling.Builder fooling) {}

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JobOutcome run(JobContext context) throws Exception {
    LearnwareSpec source = context.source();
    boolean regressor = source.task() == Task.REGRESSION;
    if (!regressor && source.task() != Task.CLASSIFICATION) {
      throw new JobFailure(
          "robustness is measured for classifiers and regressors; this learnware's task is "
              + source.task().jsonName());
    }
    if (regressor && source.output().dimension() != 1) {
      throw new JobFailure(
          "robustness is measured for regressors with one output (a data set has one target"
              + " column); this one has "
              + source.output().dimension());
    }
    boolean image = source.dataType() == DataType.IMAGE;
    if (!image && source.dataType() != DataType.TABLE) {
      throw new JobFailure(
          "robustness is measured for table and image learnwares only, not "
              + source.dataType().jsonName());
    }
    JsonNode params = JobParams.of(context.params(), TYPE, PARAMETERS).node();
    InputShape shape;
    try {
      shape = InputShape.of(source);
    } catch (ModelException e) {
      throw new JobFailure(e.getMessage(), e);
    }
    // Parameters, checked before anything is read.
    Settings settings = settings(params, shape, image, regressor);

    JobProgress progress = context.progress();
    ProgressListener reading =
        (read, total) -> progress.report(0.05 * read / Math.max(1, total), "reading the data set");
    Matrix x;
    int[] labels = null;
    double[] targets = null;
    if (regressor) {
      Datasets.Targets data =
          evaluationSet(
              context,
              params,
              // IDX images, the only files with a labels file, are refused: their labels are
              // classes.
              (file, labelsFile) ->
                  Datasets.readTargets(file, source, shape.size(), ROLE, reading));
      x = data.features();
      targets = data.targets();
    } else {
      Datasets.Labelled data =
          evaluationSet(
              context,
              params,
              (file, labelsFile) ->
                  Datasets.read(file, labelsFile, source, shape.size(), ROLE, reading));
      if (data.labels() == null) {
        throw new JobFailure(
            "the data set has no labels: give a CSV column named \"label\" or IDX labels");
      }
      x = data.features();
      labels = data.labels();
    }
    if (x.rows() == 0) {
      throw new JobFailure("the data set has no rows");
    }
    // The range inputs stay in: the spec's input.range, else (tables) the data's own.
    double low;
    double high;
    if (source.input().range() != null) {
      low = source.input().range().get(0);
      high = source.input().range().get(1);
    } else if (image) {
      low = 0;
      high = 1;
    } else {
      low = Arrays.stream(x.data()).min().orElse(0);
      high = Arrays.stream(x.data()).max().orElse(1);
    }
    double width = high - low;
    for (double eps : settings.epsilons()) {
      if (!(eps >= 0) || eps > 1 || eps > width) {
        throw new JobFailure(
            "epsilon must be in [0, %s] (the input range is [%s, %s]), got %s"
                .formatted(Math.min(1, width), low, high, eps));
      }
    }

    Device device;
    try {
      device = Devices.select(context.device());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("this worker's device: " + e.getMessage(), e);
    }
    ObjectNode report = SpecDocuments.mapper().createObjectNode();
    if (regressor) {
      report.put("task", Task.REGRESSION.jsonName());
    }
    ObjectNode evaluated = report.putObject("data");
    if (params.has("benchmark")) {
      evaluated.put("benchmark", params.get("benchmark").asText());
    }
    evaluated.put("rows", x.rows());
    try (RunnableModel model = ModelRuntime.load(context.modelSource(device))) {
      // White-box attacks where the format has gradients; the black-box one where it has not.
      Attacks attacks = null;
      String noGradients = null;
      if (!settings.epsilons().isEmpty()) {
        try {
          attacks = Attacks.of(model);
        } catch (CapabilityException e) {
          noGradients = e.getMessage();
        }
      }
      boolean blackBox =
          !settings.epsilons().isEmpty()
              && (settings.blackBoxAsked() != null ? settings.blackBoxAsked() : attacks == null);
      Run run =
          new Run(
              model,
              source,
              x,
              low,
              high,
              settings,
              attacks,
              blackBox,
              report,
              progress,
              1
                  + settings.noise().size()
                  + (attacks != null ? 2 * settings.epsilons().size() : 0)
                  + (blackBox ? settings.epsilons().size() : 0)
                  + settings.corruptions().size() * settings.severities().size()
                  + (settings.fooling() != null ? 1 : 0));
      ArrayNode attacksRun =
          attacksRun(
              model,
              settings.epsilons(),
              attacks != null,
              noGradients,
              blackBox,
              regressor ? "the squared error" : "the cross-entropy");
      if (regressor) {
        run.regressor(targets, attacksRun, image);
      } else {
        run.classifier(labels, attacksRun);
      }
    } catch (ModelException e) {
      throw new JobFailure("the model does not run: " + e.getMessage(), e);
    }
    progress.report(1, "done");
    return new JobOutcome(report, Optional.empty(), Optional.empty(), Map.of(), Optional.empty());
  }

  /** Checks the parameters and fills in the defaults for the learnware's task. */
  private static Settings settings(
      JsonNode params, InputShape shape, boolean image, boolean regressor) throws JobFailure {
    List<Double> noise =
        numbers(params, "noise", regressor ? DEFAULT_REGRESSION_NOISE : DEFAULT_NOISE);
    for (double sigma : noise) {
      if (!(sigma >= 0) || Double.isInfinite(sigma)) {
        throw new JobFailure("noise σ must be finite and ≥ 0, got " + sigma);
      }
    }
    List<Double> epsilons =
        numbers(params, "epsilons", regressor ? DEFAULT_REGRESSION_EPSILONS : DEFAULT_EPSILONS);
    int steps = integer(params, "pgdSteps", DEFAULT_PGD_STEPS, MAX_PGD_STEPS);
    int squareQueries =
        integer(params, "squareQueries", SquareAttack.DEFAULT_QUERIES, SquareAttack.MAX_QUERIES);
    double squareP = SquareAttack.DEFAULT_P;
    if (params.has("squareP")) {
      squareP = number(params.get("squareP"), "squareP");
      if (!(squareP > 0 && squareP <= 1)) {
        throw new JobFailure("squareP must be a number in (0, 1], got " + squareP);
      }
    }
    Boolean blackBoxAsked = null;
    if (params.has("blackBox")) {
      if (!params.get("blackBox").isBoolean()) {
        throw new JobFailure("blackBox must be true or false, got " + params.get("blackBox"));
      }
      blackBoxAsked = params.get("blackBox").booleanValue();
    }
    Double stepSize = null;
    if (params.has("pgdStepSize")) {
      stepSize = number(params.get("pgdStepSize"), "pgdStepSize");
      if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
        throw new JobFailure("pgdStepSize must be finite and > 0, got " + stepSize);
      }
    }
    boolean randomStart = false;
    if (params.has("randomStart")) {
      if (!params.get("randomStart").isBoolean()) {
        throw new JobFailure("randomStart must be true or false, got " + params.get("randomStart"));
      }
      randomStart = params.get("randomStart").booleanValue();
    }
    if (regressor && params.has("fooling")) {
      throw new JobFailure(
          "fooling is a test of classifiers only: it searches for inputs that a class gets with"
              + " 99% confidence, and a regressor has no classes");
    }
    return new Settings(
        noise,
        epsilons,
        steps,
        stepSize,
        randomStart,
        squareQueries,
        squareP,
        blackBoxAsked,
        corruptions(params, image),
        severities(params),
        fooling(params, shape));
  }

  /** One job's measurements of a loaded model: the stages, their progress, the report. */
  private static final class Run {
    private final RunnableModel model;
    private final LearnwareSpec source;
    private final Matrix x;
    private final double low;
    private final double high;
    private final Settings settings;
    private final Attacks attacks;
    private final boolean blackBox;
    private final ObjectNode report;
    private final JobProgress progress;
    private final int stages;
    private int done;

    Run(
        RunnableModel model,
        LearnwareSpec source,
        Matrix x,
        double low,
        double high,
        Settings settings,
        Attacks attacks,
        boolean blackBox,
        ObjectNode report,
        JobProgress progress,
        int stages) {
      this.model = model;
      this.source = source;
      this.x = x;
      this.low = low;
      this.high = high;
      this.settings = settings;
      this.attacks = attacks;
      this.blackBox = blackBox;
      this.report = report;
      this.progress = progress;
      this.stages = stages;
    }

    private void step() {
      progress.checkCancelled();
      done++;
    }

    private void stage(String message) {
      progress.report(fraction(done, stages), message);
    }

    /** The classifier's report: accuracies, calibration, corruptions, fooling when asked. */
    void classifier(int[] labels, ArrayNode attacksRun) throws ModelException {
      double width = high - low;
      progress.report(0.05, "clean accuracy and calibration");
      float[][] logits = model.predict(x);
      ObjectNode clean = report.putObject("clean");
      clean.put("accuracy", accuracy(logits, labels));
      List<Calibration.Bin> bins =
          Calibration.reliability(Calibration.softmax(logits), labels, ECE_BINS);
      clean.put("ece", Calibration.expectedCalibrationError(bins, labels.length));
      // The reliability diagram behind the ECE, for plots.
      ArrayNode reliability = clean.putArray("reliability");
      for (Calibration.Bin bin : bins) {
        reliability
            .addObject()
            .put("from", bin.from())
            .put("to", bin.to())
            .put("count", bin.count())
            .put("confidence", bin.confidence())
            .put("accuracy", bin.accuracy());
      }
      step();

      ArrayNode noiseReport = report.putArray("noise");
      List<Double> noise = settings.noise();
      for (int i = 0; i < noise.size(); i++) {
        double sigma = noise.get(i);
        stage("Gaussian noise σ=" + sigma);
        Matrix noisy = Noise.gaussian(x, sigma * width, SEED + i, low, high);
        noiseReport
            .addObject()
            .put("sigma", sigma)
            .put("accuracy", accuracy(model.predict(noisy), labels));
        step();
      }

      whiteBox(
          eps -> attacks.fgsm(x, labels, eps, low, high),
          eps ->
              attacks.pgd(
                  x,
                  labels,
                  eps,
                  settings.steps(),
                  stepSize(eps),
                  settings.randomStart(),
                  SEED,
                  low,
                  high),
          (adversarial, row) -> row.put("accuracy", attacks.accuracy(adversarial, labels)));

      ArrayNode square = report.putArray("blackBox");
      if (blackBox) {
        for (double eps : settings.epsilons()) {
          SquareAttack.Result result = squareAttack(eps).run(x, labels);
          square
              .addObject()
              .put("attack", "square")
              .put("epsilon", eps)
              .put("accuracy", result.accuracy())
              .put("queries", result.queries())
              .put("meanQueries", result.meanQueries())
              .put("p", settings.squareP());
          step();
        }
      }
      report.set("attacks", attacksRun);

      ArrayNode corrupted = report.putArray("corruptions");
      corrupt(
          (name, severity, outputs) ->
              corrupted
                  .addObject()
                  .put("name", name)
                  .put("severity", severity)
                  .put("accuracy", accuracy(outputs, labels)));

      Fooling.Builder fooling = settings.fooling();
      if (fooling != null) {
        // Where the search got to: it may stop early, and progress must not go back.
        double[] reached = {done};
        double[][] bounds = bounds(source, model.inputShape(), low, high);
        Fooling.Result result =
            fooling
                .setModel(model::predict)
                .optRange(bounds[0], bounds[1])
                .optListener(
                    (generation, generations, fooled, classes) -> {
                      progress.checkCancelled();
                      reached[0] = done + (double) generation / generations;
                      progress.report(
                          fraction(reached[0], stages),
                          "fooling: generation %d of at most %d, %d of %d classes fooled"
                              .formatted(generation, generations, fooled, classes));
                    })
                .build()
                .run();
        progress.report(fraction(reached[0], stages), "fooling: distances to the data");
        report.set("fooling", foolingReport(result, x, source.output().labels()));
        step();
      }
    }

    /**
     * The regressor's report: the error (MAE, RMSE, R²) clean and under each perturbation, the
     * attacks raising the squared error; what does not apply to a regressor under {@code skipped}.
     */
    void regressor(double[] targets, ArrayNode attacksRun, boolean image) throws ModelException {
      progress.report(0.05, "clean error");
      RegressionMetrics.of(model.predict(x), targets).putInto(report.putObject("clean"));
      step();

      // σ in input units, like ε (a fraction of a standardised feature's standard deviation);
      // the errors of several draws pooled, as one table of draws × rows.
      ArrayNode noiseReport = report.putArray("noise");
      List<Double> noise = settings.noise();
      int n = x.rows();
      double[] pooledTargets = new double[REGRESSION_NOISE_DRAWS * n];
      for (int draw = 0; draw < REGRESSION_NOISE_DRAWS; draw++) {
        System.arraycopy(targets, 0, pooledTargets, draw * n, n);
      }
      for (int i = 0; i < noise.size(); i++) {
        double sigma = noise.get(i);
        stage("Gaussian noise σ=" + sigma);
        float[][] pooled = new float[REGRESSION_NOISE_DRAWS * n][];
        for (int draw = 0; draw < REGRESSION_NOISE_DRAWS; draw++) {
          long seed = SEED + (long) i * REGRESSION_NOISE_DRAWS + draw;
          float[][] outputs = model.predict(Noise.gaussian(x, sigma, seed, low, high));
          System.arraycopy(outputs, 0, pooled, draw * n, n);
        }
        RegressionMetrics.of(pooled, pooledTargets)
            .putInto(noiseReport.addObject().put("sigma", sigma))
            .put("draws", REGRESSION_NOISE_DRAWS);
        step();
      }

      whiteBox(
          eps -> attacks.fgsm(x, targets, eps, low, high),
          eps ->
              attacks.pgd(
                  x,
                  targets,
                  eps,
                  settings.steps(),
                  stepSize(eps),
                  settings.randomStart(),
                  SEED,
                  low,
                  high),
          (adversarial, row) ->
              RegressionMetrics.of(model.predict(adversarial), targets).putInto(row));

      ArrayNode square = report.putArray("blackBox");
      if (blackBox) {
        for (double eps : settings.epsilons()) {
          SquareAttack.RegressionResult result = squareAttack(eps).run(x, targets);
          RegressionMetrics.of(model.predict(result.adversarial()), targets)
              .putInto(square.addObject().put("attack", "square").put("epsilon", eps))
              .put("queries", result.queries())
              .put("meanQueries", (double) result.queries())
              .put("p", settings.squareP());
          step();
        }
      }
      report.set("attacks", attacksRun);

      ArrayNode corrupted = report.putArray("corruptions");
      corrupt(
          (name, severity, outputs) ->
              RegressionMetrics.of(outputs, targets)
                  .putInto(corrupted.addObject().put("name", name).put("severity", severity)));

      ArrayNode skipped = report.putArray("skipped");
      if (!image) {
        skipped
            .addObject()
            .put("name", "corruptions")
            .put(
                "reason",
                "the corruptions (noise, blur, contrast, brightness, pixelation, JPEG) are"
                    + " image operations; this learnware's inputs are a table");
      }
      skipped
          .addObject()
          .put("name", "calibration")
          .put(
              "reason",
              "calibration compares a classifier's confidence with its accuracy; a regressor"
                  + " predicts values, not class probabilities");
      skipped
          .addObject()
          .put("name", "fooling")
          .put(
              "reason",
              "the fooling test searches for inputs a class gets with 99% confidence; a"
                  + " regressor has no classes");
    }

    /** Adversarial inputs at ε, against a classifier's labels or a regressor's targets. */
    @FunctionalInterface
    private interface Attack {
      Matrix at(double eps) throws ModelException;
    }

    /** Puts the model's figures on adversarial inputs into a report row: accuracy, or the error. */
    @FunctionalInterface
    private interface Score {
      void put(Matrix adversarial, ObjectNode row) throws ModelException;
    }

    /**
     * The {@code fgsm} and {@code pgd} tables, one row per ε when the model has gradients: the same
     * stages for both tasks, only the attacks' labels or targets and the score differ.
     */
    private void whiteBox(Attack fgsm, Attack pgd, Score score) throws ModelException {
      ArrayNode fgsmRows = report.putArray("fgsm");
      ArrayNode pgdRows = report.putArray("pgd");
      if (attacks == null) {
        return;
      }
      for (double eps : settings.epsilons()) {
        stage("FGSM ε=" + eps);
        Matrix adversarial = fgsm.at(eps);
        score.put(adversarial, fgsmRows.addObject().put("epsilon", eps));
        step();
      }
      for (double eps : settings.epsilons()) {
        stage("PGD ε=" + eps);
        Matrix adversarial = pgd.at(eps);
        score.put(
            adversarial, pgdRows.addObject().put("epsilon", eps).put("steps", settings.steps()));
        step();
      }
    }

    private double stepSize(double eps) {
      return settings.stepSize() != null ? settings.stepSize() : eps / 4;
    }

    private SquareAttack squareAttack(double eps) {
      double from = done;
      return SquareAttack.builder()
          .setModel(model)
          .setEpsilon(eps)
          .optQueries(settings.squareQueries())
          .optP(settings.squareP())
          .optSeed(SEED)
          .optRange(low, high)
          .optListener(
              (iteration, iterations, fooled, rows) -> {
                progress.checkCancelled();
                progress.report(
                    fraction(from + (double) iteration / iterations, stages),
                    source.task() == Task.REGRESSION
                        ? "Square Attack ε=%s: query %d of %d on %d rows"
                            .formatted(eps, iteration + 1, iterations + 1, rows)
                        : "Square Attack ε=%s: query %d of %d, %d of %d rows fooled"
                            .formatted(eps, iteration + 1, iterations + 1, fooled, rows));
              })
          .build();
    }

    /** Hears the model's outputs on each corruption and severity. */
    @FunctionalInterface
    private interface CorruptionResult {
      void accept(String name, int severity, float[][] outputs);
    }

    /** Runs the model on each corruption at each severity; images are mapped to [0, 1] and back. */
    private void corrupt(CorruptionResult result) throws ModelException {
      List<Corruption> corruptions = settings.corruptions();
      if (corruptions.isEmpty()) {
        return;
      }
      int channels = source.input().channels();
      int height = source.input().height();
      int imageWidth = source.input().width();
      Matrix unit = rescale(x, low, high, 0, 1);
      for (Corruption corruption : corruptions) {
        String name = corruption.name().toLowerCase(Locale.ROOT);
        for (int severity : settings.severities()) {
          stage("corruption %s, severity %d".formatted(name, severity));
          Matrix c = corruption.apply(unit, channels, height, imageWidth, severity, SEED);
          result.accept(name, severity, model.predict(rescale(c, 0, 1, low, high)));
          step();
        }
      }
    }
  }

  private static double fraction(double done, int stages) {
    return 0.05 + 0.95 * done / stages;
  }

  /** Which attacks ran and why: {@code [{name, ran, reason}]} for fgsm, pgd and square. */
  private static ArrayNode attacksRun(
      RunnableModel model,
      List<Double> epsilons,
      boolean gradients,
      String noGradients,
      boolean blackBox,
      String loss) {
    ArrayNode out = SpecDocuments.mapper().createArrayNode();
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
    out.addObject().put("name", "fgsm").put("ran", gradients).put("reason", whiteBox);
    out.addObject().put("name", "pgd").put("ran", gradients).put("reason", whiteBox);
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
    out.addObject().put("name", "square").put("ran", blackBox).put("reason", square);
    return out;
  }

  /** An integer parameter in 1..max, or the fallback. */
  private static int integer(JsonNode params, String name, int fallback, int max)
      throws JobFailure {
    JsonNode value = params.get(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isIntegralNumber()
        || !value.canConvertToInt()
        || value.intValue() < 1
        || value.intValue() > max) {
      throw new JobFailure("%s must be an integer 1..%d, got %s".formatted(name, max, value));
    }
    return value.intValue();
  }

  /** Reads a data set's file (and its IDX labels file, or null) for the model. */
  @FunctionalInterface
  private interface SetReader<T> {
    T read(Path data, Path labels) throws JobFailure, IOException;
  }

  /**
   * The job's data set, or the bundled benchmark set it names ({@link BenchmarkSets}), read for the
   * model with the same checks.
   */
  private static <T> T evaluationSet(JobContext context, JsonNode params, SetReader<T> reader)
      throws JobFailure, IOException {
    if (!params.has("benchmark")) {
      if (context.dataset().isEmpty()) {
        throw new JobFailure(
            "robustness needs a labelled data set: upload one (POST /datasets) and name it in the"
                + " job, or name a bundled benchmark set in params.benchmark (%s)"
                    .formatted(String.join(", ", BenchmarkSets.AVAILABLE.keySet())));
      }
      return reader.read(context.dataset().get(), context.datasetLabels().orElse(null));
    }
    JsonNode name = params.get("benchmark");
    if (!name.isTextual()) {
      throw new JobFailure("benchmark must be the name of a bundled set, got " + name);
    }
    if (context.dataset().isPresent()) {
      throw new JobFailure("name a data set or a benchmark set, not both");
    }
    BenchmarkSets.SetFiles files = BenchmarkSets.write(name.asText(), context.workDir());
    try {
      return reader.read(files.data(), files.labels().orElse(null));
    } catch (JobFailure e) {
      throw new JobFailure(
          "the benchmark set \"%s\" (%s) does not fit this learnware: %s"
              .formatted(name.asText(), BenchmarkSets.AVAILABLE.get(name.asText()), e.getMessage()),
          e);
    }
  }

  /**
   * The fooling search the params ask for ({@code "fooling": {"generations", "population"}}, both
   * optional), without a model yet; null when they do not ask for one.
   */
  private static Fooling.Builder fooling(JsonNode params, InputShape shape) throws JobFailure {
    JsonNode value = params.get("fooling");
    if (value == null) {
      return null;
    }
    if (!value.isObject()) {
      throw new JobFailure(
          "fooling must be an object {\"generations\": …, \"population\": …}, got " + value);
    }
    for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FOOLING_PARAMETERS.contains(name)) {
        throw new JobFailure(
            "unknown fooling parameter \"%s\"; fooling takes %s"
                .formatted(name, String.join(", ", FOOLING_PARAMETERS)));
      }
    }
    int generations =
        foolingInteger(
            value, "generations", Fooling.DEFAULT_GENERATIONS, 1, Fooling.MAX_GENERATIONS);
    int population =
        foolingInteger(value, "population", Fooling.DEFAULT_POPULATION, 2, Fooling.MAX_POPULATION);
    try {
      Fooling.Builder builder =
          Fooling.builder()
              .setInputShape(shape)
              .optGenerations(generations)
              .optPopulation(population)
              .optSeed(SEED);
      Fooling.checkBudget(population, generations);
      return builder;
    } catch (IllegalArgumentException e) {
      throw new JobFailure(e.getMessage(), e);
    }
  }

  private static int foolingInteger(JsonNode fooling, String name, int fallback, int min, int max)
      throws JobFailure {
    JsonNode value = fooling.get(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isIntegralNumber()
        || !value.canConvertToInt()
        || value.intValue() < min
        || value.intValue() > max) {
      throw new JobFailure(
          "fooling %s must be an integer %d..%d, got %s".formatted(name, min, max, value));
    }
    return value.intValue();
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
   * The contract's {@code fooling} report, with each class's distance from its best input to the
   * evaluation data, absolute and relative to the data's typical nearest-neighbour distance.
   */
  private static ObjectNode foolingReport(Fooling.Result result, Matrix data, List<String> labels) {
    ObjectNode out = SpecDocuments.mapper().createObjectNode();
    out.put("classesFooled", result.classesFooled());
    out.put("target", Fooling.DEFAULT_TARGET);
    out.put("generationsRun", result.generations());
    out.put("evaluations", result.evaluations());
    DataDistance distance = data.rows() >= 2 ? DataDistance.of(data, SEED) : null;
    boolean relative = distance != null && distance.typical() > 0;
    if (distance != null) {
      out.put("typicalNearestDistance", distance.typical());
    }
    ArrayNode perClass = out.putArray("perClass");
    for (Fooling.ClassResult c : result.perClass()) {
      ObjectNode entry = perClass.addObject();
      entry.put(
          "label",
          labels != null && c.index() < labels.size()
              ? labels.get(c.index())
              : Integer.toString(c.index()));
      entry.put("fooled", c.fooled());
      entry.put("bestConfidence", c.bestConfidence());
      entry.put("generations", c.generations());
      if (distance != null) {
        double nearest = distance.nearest(c.input());
        entry.put("nearestDistance", nearest);
        if (relative) {
          entry.put("distanceRatio", nearest / distance.typical());
        }
      }
    }
    return out;
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

  private static List<Corruption> corruptions(JsonNode params, boolean image) throws JobFailure {
    JsonNode value = params.get("corruptions");
    if (!image) {
      return List.of(); // tables: corruptions are image operations, skipped
    }
    if (value == null || (value.isTextual() && value.asText().equals("all"))) {
      return List.of(Corruption.values());
    }
    if (!value.isArray()) {
      throw new JobFailure("corruptions must be a list of names or \"all\", got " + value);
    }
    List<Corruption> out = new ArrayList<>();
    for (JsonNode item : value) {
      Corruption found = null;
      for (Corruption c : Corruption.values()) {
        if (c.name().toLowerCase(Locale.ROOT).equals(item.asText())) {
          found = c;
        }
      }
      if (!item.isTextual() || found == null) {
        throw new JobFailure(
            "unknown corruption %s; known: %s"
                .formatted(
                    item,
                    String.join(
                        ", ",
                        Arrays.stream(Corruption.values())
                            .map(c -> c.name().toLowerCase(Locale.ROOT))
                            .toList())));
      }
      out.add(found);
    }
    return out;
  }

  private static List<Integer> severities(JsonNode params) throws JobFailure {
    JsonNode value = params.get("severities");
    if (value == null) {
      return List.of(1, 2, 3, 4, 5);
    }
    if (!value.isArray()) {
      throw new JobFailure("severities must be a list of integers 1..5, got " + value);
    }
    List<Integer> out = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isIntegralNumber()
          || item.asLong() < Corruption.MIN_SEVERITY
          || item.asLong() > Corruption.MAX_SEVERITY) {
        throw new JobFailure("severity must be an integer 1..5, got " + item);
      }
      out.add(item.intValue());
    }
    return out;
  }

  private static List<Double> numbers(JsonNode params, String name, List<Double> fallback)
      throws JobFailure {
    JsonNode value = params.get(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isArray()) {
      throw new JobFailure(name + " must be a list of numbers, got " + value);
    }
    List<Double> out = new ArrayList<>();
    for (JsonNode item : value) {
      out.add(number(item, name));
    }
    return out;
  }

  private static double number(JsonNode value, String name) throws JobFailure {
    if (!value.isNumber()) {
      throw new JobFailure(name + " must be numbers, got " + value);
    }
    return value.doubleValue();
  }
}
