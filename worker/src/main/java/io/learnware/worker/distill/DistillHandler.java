package io.learnware.worker.distill;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.learnware.spec.DataType;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.RkmeSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.Task;
import io.learnware.spec.data.ProgressListener;
import io.learnware.spec.rkme.Rkme;
import io.learnware.worker.job.DataSummaries;
import io.learnware.worker.job.Datasets;
import io.learnware.worker.job.DerivedSpecs;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.JobParams;
import io.learnware.worker.job.JobProgress;
import io.learnware.worker.job.RegressionMetrics;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.network.StudentSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code distill} job: trains a student on a transfer set labelled by the source learnware (the
 * teacher) and offers it as a new learnware with the teacher's input and output. A classifier's
 * students learn its soft targets; a regressor's fit its outputs by squared error.
 *
 * <p>The transfer set is the job's data set (a CSV with a header; a column named {@code label},
 * when present, holds labels, or a regressor's numeric targets that the report measures against)
 * or, without one, {@code transferSize} points herded from the teacher's RKME. Image teachers take
 * a CSV of one column per pixel (channels × height × width, in that order, scaled as the teacher
 * expects) and cannot be distilled without one: their RKME lives behind a feature map no images can
 * be herded from. Their default student is a cnn; the student's RKME is computed behind the same
 * feature map. Parameters are the contract's, plus {@code validationSplit}; see {@code
 * docs/distillation.md}.
 */
public final class DistillHandler implements JobHandler {

  public static final String TYPE = "distill";

  /** The data set column that holds labels, when there is one. */
  public static final String LABEL_COLUMN = Datasets.LABEL_COLUMN;

  /** Points herded from the teacher's RKME when the job names no data set. */
  public static final int DEFAULT_TRANSFER_SIZE = 2000;

  private static final Set<String> PARAMETERS =
      new TreeSet<>(
          List.of(
              "student",
              "temperature",
              "alpha",
              "epochs",
              "batchSize",
              "learningRate",
              "seed",
              "transferSize",
              "validationSplit"));

  // Progress: reading and the teacher's pass, then training, then the report and RKME.
  private static final double TRAINING_START = 0.1;
  private static final double TRAINING_END = 0.9;

  private static final String TAG = "distilled";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JobOutcome run(JobContext context) throws Exception {
    LearnwareSpec source = context.source();
    checkTeacher(source);
    JobParams params = JobParams.of(context.params(), TYPE, PARAMETERS);
    boolean regression = source.task() == Task.REGRESSION;
    if (regression) {
      checkRegressionParams(params);
    }
    InputShape shape = context.inputShape();
    boolean image = source.dataType() == DataType.IMAGE;
    StudentSpec student;
    try {
      student =
          image && !params.has("student")
              ? new StudentSpec.Cnn(StudentSpec.Cnn.DEFAULT_CHANNELS)
              : StudentSpec.parse(params.get("student"));
    } catch (IllegalArgumentException e) {
      throw new JobFailure(e.getMessage(), e);
    }
    long seed = params.integer("seed", 0);
    Device device = context.engineDevice();
    JobProgress progress = context.progress();
    Distillation.Builder builder =
        Distillation.builder()
            .setStudent(student)
            .setOutputDirectory(context.workDir().resolve("student"))
            .optSeed(seed)
            .optDevice(device)
            .optListener(
                (epoch, epochs, batch, batches) -> {
                  progress.checkCancelled();
                  double done = ((epoch - 1) + (double) batch / batches) / epochs;
                  progress.report(
                      TRAINING_START + (TRAINING_END - TRAINING_START) * done,
                      "training the student: epoch %d/%d".formatted(epoch, epochs));
                });
    try {
      // Parameters first, so that a typo fails before the model and the data are read.
      applyOptions(params, builder);
      if (context.dataset().isEmpty()) {
        builder.setDataFree(rkme(source), transferSize(params));
      } else {
        readTransferSet(context, source, shape.size(), regression, builder);
      }
    } catch (IllegalArgumentException e) {
      throw new JobFailure(e.getMessage(), e);
    }

    try (Teacher teacher = teacher(context, device)) {
      DistillationResult result;
      try {
        progress.report(
            TRAINING_START / 2,
            regression
                ? "computing the teacher's outputs"
                : "computing the teacher's soft targets");
        result = builder.setTeacher(teacher).build().run();
      } catch (IllegalArgumentException e) {
        throw new JobFailure(e.getMessage(), e);
      }
      progress.checkCancelled();
      progress.report(TRAINING_END, "summarising the transfer set (RKME)");
      ObjectMapper mapper = SpecDocuments.mapper();
      JsonNode spec =
          studentSpec(
              context.sourceSpecDocument(),
              source,
              student,
              result,
              DataSummaries.of(result.transferSet(), source, seed));
      return JobOutcome.newVersion(
          mapper.valueToTree(result.report()), spec, result.artifact(), Map.of());
    }
  }

  private static void checkTeacher(LearnwareSpec source) throws JobFailure {
    if (source.task() != Task.CLASSIFICATION && source.task() != Task.REGRESSION) {
      throw new JobFailure(
          "only classifiers and regressors can be distilled (students learn class probabilities or"
              + " fit predicted values); this learnware's task is "
              + source.task().jsonName());
    }
    if (source.dataType() != DataType.TABLE && source.dataType() != DataType.IMAGE) {
      throw new JobFailure(
          "only table and image learnwares can be distilled for now, not %s"
              .formatted(source.dataType().jsonName()));
    }
  }

  /** Parameters of a classifier's soft targets mean nothing for a regressor: say so. */
  private static void checkRegressionParams(JobParams params) throws JobFailure {
    if (params.has("temperature")) {
      throw new JobFailure(
          "temperature is for classifiers (it softens their class probabilities); a regressor's"
              + " students fit its outputs by squared error: leave temperature out");
    }
    if (params.has("alpha")) {
      throw new JobFailure(
          "alpha is for classifiers (it weighs soft targets against labels); a regressor's students"
              + " fit its outputs alone, and a data set's targets are only measured against: leave"
              + " alpha out");
    }
  }

  private static Teacher teacher(JobContext context, Device device) throws JobFailure, IOException {
    try {
      return Teacher.load(context.modelSource(device), context.source().task());
    } catch (ModelException e) {
      throw new JobFailure("the teacher's model does not load: " + e.getMessage(), e);
    }
  }

  private static Rkme rkme(LearnwareSpec source) throws JobFailure {
    if (source.statistical() == null) {
      throw new JobFailure(
          "the job names no data set and the teacher's specification has no RKME to herd a transfer"
              + " set from; upload a data set (POST /datasets) and name it in the job");
    }
    if (source.statistical().featureMap() != null) {
      throw new JobFailure(
          "the teacher's RKME lives behind an image feature map, so no inputs can be herded from it;"
              + " name a data set in the job");
    }
    return Rkme.fromSpec(source.statistical());
  }

  private static int transferSize(JobParams params) throws JobFailure {
    return params.has("transferSize") ? params.clampedInt("transferSize") : DEFAULT_TRANSFER_SIZE;
  }

  /**
   * The job's data set through the worker's shared reader ({@link Datasets}): a classifier's labels
   * or a regressor's numeric targets, both optional.
   */
  private static void readTransferSet(
      JobContext context,
      LearnwareSpec source,
      int inputs,
      boolean regression,
      Distillation.Builder builder)
      throws JobFailure, IOException {
    ProgressListener reading =
        (read, total) ->
            context.progress().report(0.02 * read / Math.max(1, total), "reading the data set");
    if (regression) {
      if (context.datasetLabels().isPresent()) {
        throw new JobFailure(
            "IDX labels are class indices; a regressor's data set is a CSV, with its numeric"
                + " targets (if any) in a \"%s\" column".formatted(LABEL_COLUMN));
      }
      Datasets.Targets data =
          Datasets.readOptionalTargets(
              context.dataset().orElseThrow(), source, inputs, "the teacher", reading);
      builder.setTransferSet(data.features(), null);
      if (data.targets() != null) {
        if (source.output().dimension() != 1) {
          throw new JobFailure(
              "the data set's \"%s\" column holds one target per row, but the teacher has %d"
                      .formatted(LABEL_COLUMN, source.output().dimension())
                  + " outputs; leave the column out to distil on the inputs alone");
        }
        builder.optTargets(data.targets());
      }
      return;
    }
    Datasets.Labelled data =
        Datasets.read(
            context.dataset().orElseThrow(),
            context.datasetLabels().orElse(null),
            source,
            inputs,
            "the teacher",
            reading);
    builder.setTransferSet(data.features(), data.labels());
  }

  private static void applyOptions(JobParams params, Distillation.Builder builder)
      throws JobFailure {
    params.ifNumber("temperature", builder::optTemperature);
    params.ifNumber("alpha", builder::optAlpha);
    params.ifInt("epochs", builder::optEpochs);
    params.ifInt("batchSize", builder::optBatchSize);
    params.ifNumber("learningRate", builder::optLearningRate);
    params.ifNumber("validationSplit", builder::optValidationSplit);
  }

  /**
   * The student's specification: the teacher's document (task, input, output, labels, licence,
   * tags, extensions) with the student's model, an RKME of the transfer set, and a name and
   * description that say where it came from.
   */
  static JsonNode studentSpec(
      JsonNode teacherDocument,
      LearnwareSpec teacher,
      StudentSpec student,
      DistillationResult result,
      RkmeSpec rkme) {
    DistillationReport report = result.report();
    String how =
        report.task() == Task.REGRESSION
            ? "fitted by squared error to the regressor's outputs"
            : "by knowledge distillation (Hinton et al. 2015) at temperature "
                + report.temperature();
    String measured;
    if (report.task() == Task.REGRESSION) {
      measured =
          "its outputs are within %s of the teacher's (RMSE; R² %s against the teacher's)%s"
              .formatted(
                  plain(report.vsTeacher().rmse()),
                  r2(report.vsTeacher()),
                  report.vsTarget() != null
                      ? "; against the rows' targets its RMSE is %s, R² %s (the teacher: %s, R² %s)"
                          .formatted(
                              plain(report.vsTarget().rmse()),
                              r2(report.vsTarget()),
                              plain(report.teacherVsTarget().rmse()),
                              r2(report.teacherVsTarget()))
                      : "");
    } else {
      measured =
          "the student picks the teacher's class for %.1f%% of them%s"
              .formatted(
                  100 * report.fidelity(),
                  report.accuracy() != null
                      ? " and is right for %.1f%% (the teacher: %.1f%%)"
                          .formatted(100 * report.accuracy(), 100 * report.teacherAccuracy())
                      : "");
    }
    String description =
        ("Distilled from the learnware \"%s\" (%s) into a smaller %s %s, on %d %s. On %d"
                + " held-out transfer rows %s.\n\nThe teacher: %s")
            .formatted(
                teacher.name(),
                teacher.model().format().jsonName(),
                student.describe(),
                how,
                report.trainRows() + report.heldOutRows(),
                report.dataFree() ? "points herded from the teacher's RKME" : "rows of a data set",
                report.heldOutRows(),
                measured,
                teacher.description());
    return DerivedSpecs.derive(
        teacherDocument,
        "%s (distilled: %s)".formatted(teacher.name(), student.describe()),
        description,
        TAG,
        result.format(),
        result.architecture(),
        rkme);
  }

  /** Four significant digits, for descriptions. */
  private static String plain(double value) {
    return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  private static String r2(RegressionMetrics metrics) {
    return metrics.r2() == null ? "undefined" : "%.3f".formatted(metrics.r2());
  }
}
