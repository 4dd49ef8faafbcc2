package io.learnware.worker.evaluate;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.Task;
import io.learnware.spec.data.ProgressListener;
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
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code evaluate} job: a classifier or a single-output regressor on a labelled data set (the
 * job's, or a bundled benchmark set named in {@code params.benchmark}), measured by {@link
 * Evaluation}. Parameters: {@code benchmark}, {@code bins} (classifiers), {@code quantiles}
 * (regressors). It creates no version; the report goes on the evaluated one. See docs/evaluate.md.
 */
public final class EvaluateHandler implements JobHandler {

  public static final String TYPE = "evaluate";

  private static final Set<String> PARAMETERS = Set.of("benchmark", "bins", "quantiles");
  private static final String ROLE = "the model";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JobOutcome run(JobContext context) throws Exception {
    LearnwareSpec source = context.source();
    boolean classifier = context.measuredTask("evaluate measures", "") == Task.CLASSIFICATION;
    JobParams params = JobParams.of(context.params(), TYPE, PARAMETERS);
    Evaluation.Builder evaluation = Evaluation.builder();
    try {
      if (params.has("bins")) {
        only(classifier, "bins", "classifiers");
        evaluation.optBins(params.clampedInt("bins"));
      }
      if (params.has("quantiles")) {
        only(!classifier, "quantiles", "regressors");
        evaluation.optQuantiles(params.numbers("quantiles"));
      }
    } catch (IllegalArgumentException e) {
      throw new JobFailure(e.getMessage(), e);
    }
    InputShape shape = context.inputShape();
    Device device = context.engineDevice();

    JobProgress progress = context.progress();
    ProgressListener reading =
        (read, total) -> progress.report(0.1 * read / Math.max(1, total), "reading the data set");
    String benchmark = benchmark(params, context);
    Path data;
    Path labels;
    if (benchmark != null) {
      BenchmarkSets.SetFiles files = BenchmarkSets.write(benchmark, context.workDir());
      data = files.data();
      labels = files.labels().orElse(null);
    } else {
      data = context.dataset().orElseThrow();
      labels = context.datasetLabels().orElse(null);
    }
    int rows;
    try {
      if (classifier) {
        Datasets.Labelled set = Datasets.read(data, labels, source, shape.size(), ROLE, reading);
        if (set.labels() == null) {
          throw new JobFailure(
              "the data set has no labels: give a CSV column named \"label\" or IDX labels");
        }
        evaluation
            .setData(set.features(), set.labels())
            .optLabels(source.output().labels())
            .optClasses(source.output().dimension());
        rows = set.labels().length;
      } else {
        Datasets.Targets set = Datasets.readTargets(data, source, shape.size(), ROLE, reading);
        evaluation.setData(set.features(), set.targets());
        rows = set.targets().length;
      }
    } catch (JobFailure e) {
      if (benchmark == null) {
        throw e;
      }
      throw new JobFailure(
          "the benchmark set \"%s\" (%s) does not fit this learnware: %s"
              .formatted(benchmark, BenchmarkSets.AVAILABLE.get(benchmark), e.getMessage()),
          e);
    }
    if (rows == 0) {
      throw new JobFailure("the data set has no rows");
    }

    EvaluationReport report;
    try (RunnableModel model = ModelRuntime.load(context.modelSource(device))) {
      progress.report(0.1, "running the model on %d rows".formatted(rows));
      report =
          evaluation
              .setModel(model::predict)
              .optListener(
                  (done, total) -> {
                    progress.checkCancelled();
                    progress.report(
                        0.1 + 0.85 * done / total,
                        "ran the model on %d of %d rows".formatted(done, total));
                  })
              .build()
              .run();
    } catch (IllegalArgumentException e) {
      throw new JobFailure(e.getMessage(), e);
    } catch (ModelException e) {
      throw new JobFailure("the model does not run: " + e.getMessage(), e);
    }
    progress.report(1, "done");
    report = report.withData(new EvaluationReport.Data(rows, null, benchmark));
    return new JobOutcome(
        report.toJson(), Optional.empty(), Optional.empty(), Map.of(), Optional.empty());
  }

  /** The bundled set the job names instead of a data set, or null when it names a data set. */
  private static String benchmark(JobParams params, JobContext context) throws JobFailure {
    if (!params.has("benchmark")) {
      if (context.dataset().isEmpty()) {
        throw new JobFailure(
            "evaluate needs a labelled data set: upload one (POST /datasets) and name it in the"
                + " job, or name a bundled benchmark set in params.benchmark (%s)"
                    .formatted(String.join(", ", BenchmarkSets.AVAILABLE.keySet())));
      }
      return null;
    }
    JsonNode name = params.get("benchmark");
    if (!name.isTextual()) {
      throw new JobFailure("benchmark must be the name of a bundled set, got " + name);
    }
    if (context.dataset().isPresent()) {
      throw new JobFailure("name a data set or a benchmark set, not both");
    }
    if (!BenchmarkSets.AVAILABLE.containsKey(name.asText())) {
      throw new JobFailure(
          "there is no bundled benchmark set \"%s\"; there are %s"
              .formatted(name.asText(), String.join(", ", BenchmarkSets.AVAILABLE.keySet())));
    }
    return name.asText();
  }

  private static void only(boolean applies, String parameter, String kind) throws JobFailure {
    if (!applies) {
      throw new JobFailure("%s is a parameter for %s only".formatted(parameter, kind));
    }
  }
}
