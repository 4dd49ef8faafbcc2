package io.learnware.worker.robustness;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.DataType;
import io.learnware.spec.LearnwareSpec;
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
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelRuntime;
import io.learnware.worker.model.RunnableModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code robustness} job: reads its parameters and the labelled data set (the job's, or a
 * bundled benchmark set named in {@code params.benchmark}), loads the source's model and measures
 * it with {@link Robustness}. It creates no version. Parameters and the report are the contract's;
 * see docs/robustness.md.
 */
public final class RobustnessHandler implements JobHandler {

  public static final String TYPE = "robustness";

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

  // Progress: reading the data set, then the measurements.
  private static final double READ_END = 0.05;

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JobOutcome run(JobContext context) throws Exception {
    LearnwareSpec source = context.source();
    boolean regressor =
        context.measuredTask("robustness is measured for", " (a data set has one target column)")
            == Task.REGRESSION;
    boolean image = source.dataType() == DataType.IMAGE;
    if (!image && source.dataType() != DataType.TABLE) {
      throw new JobFailure(
          "robustness is measured for table and image learnwares only, not "
              + source.dataType().jsonName());
    }
    JobParams params = JobParams.of(context.params(), TYPE, PARAMETERS);
    InputShape shape = context.inputShape();
    JobProgress progress = context.progress();
    Robustness.Builder builder =
        Robustness.builder()
            .setSpec(source)
            .optListener(
                new Robustness.Listener() {
                  @Override
                  public void progress(double done, int stages, String message) {
                    progress.report(READ_END + (1 - READ_END) * done / stages, message);
                  }

                  @Override
                  public void checkpoint() {
                    progress.checkCancelled();
                  }
                });
    try {
      // Parameters, checked before anything is read.
      applyOptions(params, builder, image, regressor);
    } catch (IllegalArgumentException e) {
      throw new JobFailure(e.getMessage(), e);
    }

    ProgressListener reading =
        (read, total) ->
            progress.report(READ_END * read / Math.max(1, total), "reading the data set");
    String benchmark = params.has("benchmark") ? benchmark(params, context) : null;
    Matrix x;
    int[] labels = null;
    double[] targets = null;
    if (regressor) {
      Datasets.Targets data =
          evaluationSet(
              context,
              benchmark,
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
              benchmark,
              (file, labelsFile) ->
                  Datasets.read(file, labelsFile, source, shape.size(), ROLE, reading));
      if (data.labels() == null) {
        throw new JobFailure(
            "the data set has no labels: give a CSV column named \"label\" or IDX labels");
      }
      x = data.features();
      labels = data.labels();
    }
    Robustness robustness;
    try {
      robustness = (regressor ? builder.setData(x, targets) : builder.setData(x, labels)).build();
    } catch (IllegalArgumentException e) {
      throw new JobFailure(e.getMessage(), e);
    }

    RobustnessReport report;
    try (RunnableModel model = ModelRuntime.load(context.modelSource(context.engineDevice()))) {
      report = robustness.run(model);
    } catch (ModelException e) {
      throw new JobFailure("the model does not run: " + e.getMessage(), e);
    }
    progress.report(1, "done");
    if (benchmark != null) {
      report = report.withBenchmark(benchmark);
    }
    return new JobOutcome(
        report.toJson(), Optional.empty(), Optional.empty(), Map.of(), Optional.empty());
  }

  /** The settings the params give, in the order they are checked; the rest keep the defaults. */
  private static void applyOptions(
      JobParams params, Robustness.Builder builder, boolean image, boolean regressor)
      throws JobFailure {
    if (params.has("noise")) {
      builder.optNoise(params.numbers("noise"));
    }
    if (params.has("epsilons")) {
      builder.optEpsilons(params.numbers("epsilons"));
    }
    builder.optPgdSteps(
        params.intIn("pgdSteps", 1, Robustness.MAX_PGD_STEPS, Robustness.DEFAULT_PGD_STEPS));
    builder.optSquareQueries(
        params.intIn("squareQueries", 1, SquareAttack.MAX_QUERIES, SquareAttack.DEFAULT_QUERIES));
    if (params.has("squareP")) {
      builder.optSquareP(params.numberItem("squareP"));
    }
    params.ifBool("blackBox", builder::optBlackBox);
    if (params.has("pgdStepSize")) {
      builder.optPgdStepSize(params.numberItem("pgdStepSize"));
    }
    params.ifBool("randomStart", builder::optRandomStart);
    if (regressor && params.has("fooling")) {
      throw new JobFailure(Robustness.FOOLING_IS_FOR_CLASSIFIERS);
    }
    if (image) {
      // Tables have no corruptions: the parameter is not read for them.
      builder.optCorruptions(corruptions(params.get("corruptions")));
    }
    if (params.has("severities")) {
      builder.optSeverities(severities(params.get("severities")));
    }
    if (params.has("fooling")) {
      JobParams fooling = params.object("fooling", FOOLING_PARAMETERS);
      builder.optFooling(
          fooling.intIn("generations", 1, Fooling.MAX_GENERATIONS, Fooling.DEFAULT_GENERATIONS),
          fooling.intIn("population", 2, Fooling.MAX_POPULATION, Fooling.DEFAULT_POPULATION));
    }
  }

  /** An image learnware's corruptions: a list of names, or "all" (the default). */
  private static List<Corruption> corruptions(JsonNode value) throws JobFailure {
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

  private static List<Integer> severities(JsonNode value) throws JobFailure {
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

  /** The bundled set {@code params.benchmark} names in place of a data set. */
  private static String benchmark(JobParams params, JobContext context) throws JobFailure {
    JsonNode name = params.get("benchmark");
    if (!name.isTextual()) {
      throw new JobFailure("benchmark must be the name of a bundled set, got " + name);
    }
    if (context.dataset().isPresent()) {
      throw new JobFailure("name a data set or a benchmark set, not both");
    }
    return name.asText();
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
  private static <T> T evaluationSet(JobContext context, String benchmark, SetReader<T> reader)
      throws JobFailure, IOException {
    if (benchmark == null) {
      if (context.dataset().isEmpty()) {
        throw new JobFailure(
            "robustness needs a labelled data set: upload one (POST /datasets) and name it in the"
                + " job, or name a bundled benchmark set in params.benchmark (%s)"
                    .formatted(String.join(", ", BenchmarkSets.AVAILABLE.keySet())));
      }
      return reader.read(context.dataset().get(), context.datasetLabels().orElse(null));
    }
    BenchmarkSets.SetFiles files = BenchmarkSets.write(benchmark, context.workDir());
    try {
      return reader.read(files.data(), files.labels().orElse(null));
    } catch (JobFailure e) {
      throw new JobFailure(
          "the benchmark set \"%s\" (%s) does not fit this learnware: %s"
              .formatted(benchmark, BenchmarkSets.AVAILABLE.get(benchmark), e.getMessage()),
          e);
    }
  }
}
