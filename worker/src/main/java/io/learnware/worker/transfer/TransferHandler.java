package io.learnware.worker.transfer;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.RkmeSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.Task;
import io.learnware.spec.data.ProgressListener;
import io.learnware.spec.rkme.Matrix;
import io.learnware.worker.job.DataSummaries;
import io.learnware.worker.job.Datasets;
import io.learnware.worker.job.DerivedSpecs;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.JobParams;
import io.learnware.worker.job.JobProgress;
import io.learnware.worker.model.Backbone;
import io.learnware.worker.model.CapabilityException;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelRuntime;
import io.learnware.worker.model.RunnableModel;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code transfer} job: replaces the head of the source learnware with a new one trained on the
 * job's labelled data set, and offers the result as a new learnware with the data set's classes or,
 * with {@code task: "regression"}, with one output predicting the data set's numeric targets.
 *
 * <p>The backbone is the source model's ({@link RunnableModel#backbone()}): its declared {@code
 * model.featureExtractor} (a TorchScript file among its files) or, for a network the market built
 * (format {@code djl}: an mlp or cnn without its last layer, a transferred model's backbone).
 * Parameters are the contract's plus {@code backboneLearningRate}, {@code patience}, {@code task}
 * ({@code classification}, the default, or {@code regression}) and {@code labels} (names for the
 * classes, or the target's name); see {@code docs/transfer.md}.
 */
public final class TransferHandler implements JobHandler {

  public static final String TYPE = "transfer";

  private static final Set<String> PARAMETERS =
      new TreeSet<>(
          List.of(
              "head",
              "freezeBackbone",
              "epochs",
              "batchSize",
              "learningRate",
              "backboneLearningRate",
              "validationSplit",
              "patience",
              "seed",
              "task",
              "labels"));

  /** The target's name when a regression job gives none: the data set's column. */
  static final String DEFAULT_TARGET = Datasets.LABEL_COLUMN;

  // Progress: reading the data set, the transfer, the baseline, then the RKME.
  private static final double READ_END = 0.05;
  private static final double TRANSFER_END = 0.6;
  private static final double BASELINE_END = 0.9;

  private static final String TAG = "transferred";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JobOutcome run(JobContext context) throws Exception {
    LearnwareSpec source = context.source();
    JobParams params = JobParams.of(context.params(), TYPE, PARAMETERS);
    InputShape shape = context.inputShape();
    long seed = params.integer("seed", 0);
    Device device = context.engineDevice();
    JobProgress progress = context.progress();
    Transfer.Builder builder =
        Transfer.builder()
            .setOutputDirectory(context.workDir().resolve("transferred"))
            .optSeed(seed)
            .optDevice(device)
            .optListener(
                (phase, done, step) -> {
                  progress.checkCancelled();
                  boolean transfer = phase == Transfer.Phase.TRANSFER;
                  double from = transfer ? READ_END : TRANSFER_END;
                  double to = transfer ? TRANSFER_END : BASELINE_END;
                  progress.report(from + (to - from) * done, step);
                });
    HeadSpec head;
    try {
      head = HeadSpec.parse(params.get("head"));
      builder.optHead(head);
      applyOptions(params, builder);
    } catch (IllegalArgumentException e) {
      throw new JobFailure(e.getMessage(), e);
    }
    boolean regression = task(params) == Task.REGRESSION;
    String target = regression ? targetName(params) : null;
    if (context.dataset().isEmpty()) {
      throw new JobFailure(
          "a transfer needs a labelled data set of the new task: upload one (POST /datasets) and"
              + " name it in the job");
    }
    ProgressListener reading =
        (read, total) ->
            progress.report(READ_END * read / Math.max(1, total), "reading the data set");
    Matrix features;
    if (regression) {
      if (context.datasetLabels().isPresent()) {
        throw new JobFailure(
            "IDX labels are class indices; a regression task's data set is a CSV with numeric"
                + " targets in a \"%s\" column".formatted(Datasets.LABEL_COLUMN));
      }
      Datasets.Targets data =
          Datasets.readTargets(
              context.dataset().get(), source, shape.size(), "the source", reading);
      features = data.features();
      builder.setData(features, data.targets(), target);
    } else {
      Datasets.NewTask data =
          Datasets.readNewTask(
              context.dataset().get(),
              context.datasetLabels().orElse(null),
              source,
              shape.size(),
              "the source",
              reading);
      features = data.features();
      builder.setData(features, data.labels(), classNames(params, data.classes()));
    }

    try (RunnableModel sourceModel = load(context, device)) {
      Backbone backbone;
      try {
        backbone = sourceModel.backbone();
      } catch (CapabilityException e) {
        throw new JobFailure(
            "the source has no feature extractor to transfer: " + e.getMessage(), e);
      } catch (ModelException e) {
        throw new JobFailure("the source's backbone does not load: " + e.getMessage(), e);
      }
      TransferResult result;
      try {
        result = builder.setBackbone(backbone).build().run();
      } catch (IllegalArgumentException e) {
        throw new JobFailure(e.getMessage(), e);
      }
      progress.checkCancelled();
      progress.report(BASELINE_END, "summarising the new data set (RKME)");
      RkmeSpec rkme = DataSummaries.of(features, source, seed);
      ObjectMapper mapper = SpecDocuments.mapper();
      return JobOutcome.newVersion(
          mapper.valueToTree(result.report()),
          resultSpec(context.sourceSpecDocument(), source, result, rkme),
          result.artifact(),
          Map.of());
    }
  }

  private static RunnableModel load(JobContext context, Device device) throws JobFailure {
    try {
      return ModelRuntime.load(context.modelSource(device));
    } catch (ModelException e) {
      throw new JobFailure("the source's model does not load: " + e.getMessage(), e);
    }
  }

  /** The new task: {@code classification} (the default) or {@code regression}. */
  private static Task task(JobParams params) throws JobFailure {
    JsonNode task = params.get("task");
    if (task == null) {
      return Task.CLASSIFICATION;
    }
    return switch (task.isTextual() ? task.asText() : "") {
      case "classification" -> Task.CLASSIFICATION;
      case "regression" -> Task.REGRESSION;
      default ->
          throw new JobFailure(
              "task must be \"classification\" or \"regression\" (the new task's), got " + task);
    };
  }

  /**
   * A regression task's output label: the one name in {@code labels}, or {@value #DEFAULT_TARGET}.
   */
  private static String targetName(JobParams params) throws JobFailure {
    JsonNode names = params.get("labels");
    if (names == null) {
      return DEFAULT_TARGET;
    }
    if (!names.isArray()
        || names.size() != 1
        || !names.get(0).isTextual()
        || names.get(0).asText().isBlank()) {
      throw new JobFailure(
          "labels of a regression task must be a list of one name, the target's (e.g."
              + " [\"progression\"]), got "
              + names);
    }
    return names.get(0).asText();
  }

  /** The data set's classes, or the names the job gives them (in the same order). */
  private static List<String> classNames(JobParams params, List<String> found) throws JobFailure {
    JsonNode names = params.get("labels");
    if (names == null) {
      return found;
    }
    if (!names.isArray() || names.size() != found.size()) {
      throw new JobFailure(
          "labels must be a list of %d names, one for each label in the data set (%s, in that"
                  .formatted(found.size(), String.join(", ", found))
              + " order)");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode name : names) {
      if (!name.isTextual() || name.asText().isBlank()) {
        throw new JobFailure("labels must be non-empty strings, got " + name);
      }
      out.add(name.asText());
    }
    if (Set.copyOf(out).size() != out.size()) {
      throw new JobFailure("labels must be distinct, got " + names);
    }
    return out;
  }

  private static void applyOptions(JobParams params, Transfer.Builder builder) throws JobFailure {
    params.ifBool("freezeBackbone", builder::optFreezeBackbone);
    params.ifInt("epochs", builder::optEpochs);
    params.ifInt("batchSize", builder::optBatchSize);
    params.ifInt("patience", builder::optPatience);
    params.ifNumber("learningRate", builder::optLearningRate);
    params.ifNumber("backboneLearningRate", builder::optBackboneLearningRate);
    params.ifNumber("validationSplit", builder::optValidationSplit);
  }

  /**
   * The new version's specification: the source's document (input, licence, tags, extensions) with
   * the new task (its classes, or one output named after the target), the transferred model, an
   * RKME of the new data set, and a name and description that say where it came from.
   */
  static JsonNode resultSpec(
      JsonNode sourceDocument, LearnwareSpec source, TransferResult result, RkmeSpec rkme) {
    TransferReport report = result.report();
    boolean regression = report.task() == Task.REGRESSION;
    String fitted =
        switch (report.solver()) {
          case TransferReport.LBFGS ->
              "solved (multinomial logistic regression, its L2 penalty chosen by %s)"
                  .formatted(report.validation());
          case TransferReport.RIDGE ->
              "solved (ridge regression in closed form, its penalty chosen by %s)"
                  .formatted(report.validation());
          default -> "trained";
        };
    String measured =
        "hold-out".equals(report.validation())
            ? "On %d held-out rows".formatted(report.validationRows())
            : "Cross-validated on them";
    String task;
    String outcome;
    if (regression) {
      task = "regression task (target %s)".formatted(report.target());
      outcome =
          "%s, its R² is %s (RMSE %s); the same head on raw inputs: R² %s (RMSE %s)"
              .formatted(
                  measured,
                  r2(report.r2()),
                  plain(report.rmse()),
                  r2(report.baselineR2()),
                  plain(report.baselineRmse()));
    } else {
      task = "task (classes %s)".formatted(String.join(", ", report.classes()));
      outcome =
          "%s, it is right for %.1f%% of the rows; the same head on raw inputs for %.1f%%"
              .formatted(measured, 100 * report.accuracy(), 100 * report.baselineAccuracy());
    }
    String description =
        ("Transfer learning from the learnware \"%s\": its %s, %s, with a new %s %s on %d"
                + " labelled rows of a new %s. %s.\n\nThe source: %s")
            .formatted(
                source.name(),
                source.model().featureExtractor() != null
                    ? "feature extractor"
                    : "network without its last layer",
                report.freezeBackbone() ? "kept frozen" : "fine-tuned",
                report.head(),
                fitted,
                report.trainRows(),
                task,
                outcome,
                source.description());
    List<String> outputs = regression ? List.of(report.target()) : report.classes();
    ObjectNode spec =
        DerivedSpecs.derive(
            sourceDocument,
            "%s (transferred: %s)".formatted(source.name(), String.join(", ", outputs)),
            description,
            TAG,
            ModelFormat.DJL,
            result.architecture(),
            rkme);
    spec.put("task", (regression ? Task.REGRESSION : Task.CLASSIFICATION).jsonName());
    ObjectNode output = SpecDocuments.mapper().createObjectNode();
    output.put("dimension", outputs.size());
    outputs.forEach(output.putArray("labels")::add);
    spec.set("output", output);
    return spec;
  }

  private static String r2(Double r2) {
    return r2 == null ? "undefined" : "%.3f".formatted(r2);
  }

  /** Four significant digits, for descriptions. */
  private static String plain(double value) {
    return new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
