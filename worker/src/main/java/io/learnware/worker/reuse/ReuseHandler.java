package io.learnware.worker.reuse;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.RkmeSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.Task;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.data.DataFormatException;
import io.learnware.spec.data.IdxFiles;
import io.learnware.spec.data.ProgressListener;
import io.learnware.spec.reuse.EnsembleManifest;
import io.learnware.spec.reuse.EnsembleManifest.Method;
import io.learnware.spec.reuse.JobSelector;
import io.learnware.spec.reuse.PublishedEnsemble;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.worker.job.DataSummaries;
import io.learnware.worker.job.Datasets;
import io.learnware.worker.job.DerivedSpecs;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.JobProgress;
import io.learnware.worker.job.SourceInputs;
import io.learnware.worker.model.EnsembleLoader;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelRuntime;
import io.learnware.worker.model.RunnableModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The {@code reuse} job: several classifiers, or several regressors, combined on the requester's
 * data set — each alone, the mean of their probabilities (classifiers) or outputs (regressors),
 * their vote (classifiers), and the RKME job selector (each row answered by the learnware whose
 * published RKME it resembles most). With labels every method is measured: accuracy for
 * classifiers, MAE, RMSE and R² for regressors; the report's schema is in docs/reuse.md.
 *
 * <p>Every combination is computed by {@link PublishedEnsemble}, on the members' outputs as the
 * worker's runtime gives them, exactly as a published ensemble computes it when loaded. With {@code
 * params.publish} the job keeps one: its result is an {@code ensemble.json} pinning the members
 * (version and model SHA-256) with the method (and the trained selector's router), and a derived
 * specification; the market makes a learnware version of it. Without, it creates nothing.
 */
public final class ReuseHandler implements JobHandler {

  public static final String TYPE = "reuse";

  /** The combinations the job can report; all by default (the selector needs RKMEs). */
  static final List<String> METHODS = List.of("mean", "vote", "selector");

  /** Tag of a published ensemble's specification. */
  static final String TAG = "ensemble";

  private static final Set<String> PARAMETERS =
      new TreeSet<>(List.of("sources", "methods", "selector", "publish"));
  private static final Set<String> SELECTOR_PARAMETERS =
      new TreeSet<>(List.of("pointsPerCandidate", "hidden", "epochs", "learningRate", "seed"));
  private static final String VOTE_IS_FOR_CLASSIFIERS =
      "vote is for classifiers (a majority of predicted classes); regressors are combined by mean"
          + " or selector";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JobOutcome run(JobContext context) throws Exception {
    JsonNode params = context.params();
    for (Iterator<String> names = params.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!PARAMETERS.contains(name)) {
        throw new JobFailure(
            "unknown parameter \"%s\"; reuse takes %s"
                .formatted(name, String.join(", ", PARAMETERS)));
      }
    }
    List<SourceInputs> members = context.sources();
    if (members.size() < 2) {
      throw new JobFailure("a reuse job combines at least two learnwares; list more in sources");
    }
    Task task = checkCompatible(members);
    boolean classifier = task == Task.CLASSIFICATION;
    String publish = publish(params, classifier);
    List<String> methods = methods(params, classifier, publish);
    List<EnsembleManifest.Member> pins = pins(members, publish != null);
    JobSelector.Builder selectorSettings = selectorBuilder(params.path("selector"));
    int inputs = InputShape.of(members.getFirst().spec()).size();
    int dimension = context.source().output().dimension();

    JobProgress progress = context.progress();
    if (context.dataset().isEmpty()) {
      throw new JobFailure("reuse needs a data set to predict; name one in the job");
    }
    ProgressListener reading =
        (read, total) -> progress.report(0.1 * read / Math.max(1, total), "reading the data set");
    Matrix x;
    int[] labels = null;
    double[] targets = null;
    if (classifier) {
      Datasets.Labelled data =
          Datasets.read(
              context.dataset().get(),
              context.datasetLabels().orElse(null),
              context.source(),
              inputs,
              "the learnwares",
              reading);
      x = data.features();
      labels = data.labels();
    } else if (hasTargets(context.dataset().get())) {
      Datasets.Targets data =
          Datasets.readTargets(
              context.dataset().get(), context.source(), inputs, "the learnwares", reading);
      x = data.features();
      targets = data.targets();
    } else {
      x =
          Datasets.read(
                  context.dataset().get(),
                  null,
                  context.source(),
                  inputs,
                  "the learnwares",
                  reading)
              .features();
    }
    if (x.rows() == 0) {
      throw new JobFailure("the data set has no rows");
    }
    // The members run on float32; the selector routes those very numbers, as a published one does.
    Matrix rows = asFloats(x);

    Device device = context.engineDevice();
    // Each learnware predicts every row once; the combinations reuse those outputs.
    List<double[][]> answers = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      SourceInputs member = members.get(i);
      progress.report(0.1 + 0.7 * i / members.size(), "predicting with " + member.learnware());
      progress.checkCancelled();
      try (RunnableModel model = ModelRuntime.load(member.modelSource(device))) {
        answers.add(outputs(model.predict(rows), member.learnware(), dimension));
      } catch (ModelException e) {
        throw new JobFailure(member.learnware() + ": " + e.getMessage(), e);
      }
    }

    ObjectNode report = SpecDocuments.mapper().createObjectNode();
    ArrayNode log = SpecDocuments.mapper().createArrayNode();
    report.put("rows", x.rows());
    report.put("task", task.jsonName());
    report.put("labelled", classifier ? labels != null : targets != null);
    report.put(classifier ? "classes" : "outputs", dimension);
    ArrayNode refs = report.putArray("learnwares");
    members.forEach(m -> refs.add(m.learnware()));
    int[] classes = labels;
    double[] values = targets;
    Scorer scorer =
        classifier
            ? (entry, out) -> Measures.classifier(entry, out, classes, dimension)
            : (entry, out) -> Measures.regressor(entry, out, values);
    ArrayNode single = report.putArray("single");
    Best best = new Best(classifier);
    for (int i = 0; i < members.size(); i++) {
      ObjectNode entry = single.addObject().put("learnware", members.get(i).learnware());
      scorer.score(entry, answers.get(i));
      best.offer(members.get(i).learnware(), entry);
    }

    progress.report(0.85, "combining");
    EnsembleManifest published = null;
    ObjectNode publishedEntry = null;
    for (String name : methods) {
      Method method = Method.of(name);
      JobSelector selector = null;
      if (method == Method.SELECTOR) {
        Optional<String> missing = missingRkme(members);
        if (missing.isPresent()) {
          if (name.equals(publish)) {
            throw new JobFailure(
                "the selector cannot be published: %s publishes no RKME to route by"
                    .formatted(missing.get()));
          }
          log.add("selector skipped: not every learnware publishes an RKME");
          continue;
        }
        progress.report(0.9, "training the job selector on herded points");
        selector = selector(selectorSettings, members);
      }
      EnsembleManifest manifest =
          new EnsembleManifest(
              method, task, inputs, dimension, pins, selector == null ? null : selector.weights());
      PublishedEnsemble ensemble = new PublishedEnsemble(manifest);
      ObjectNode entry = report.putObject(name);
      scorer.score(entry, asFloats(ensemble.combine(rows, answers)));
      if (selector != null) {
        int[] routes = ensemble.route(rows);
        ArrayNode routed = entry.putArray("routed");
        for (int m = 0; m < members.size(); m++) {
          int count = 0;
          for (int route : routes) {
            count += route == m ? 1 : 0;
          }
          routed.addObject().put("learnware", members.get(m).learnware()).put("rows", count);
        }
      }
      best.offer(name, entry);
      if (name.equals(publish)) {
        published = manifest;
        publishedEntry = entry;
      }
    }
    if (best.method != null) {
      report.putObject("best").put("method", best.method).put(best.metric, best.value);
    }
    report.set("log", log);
    if (publish == null) {
      progress.report(1, "done");
      return new JobOutcome(report, Optional.empty(), Optional.empty(), Map.of(), Optional.empty());
    }

    progress.report(0.95, "publishing the %s ensemble".formatted(publish));
    ObjectNode manifest = checked(published);
    Path artifact = context.workDir().resolve(EnsembleManifest.FILE_NAME);
    Files.write(artifact, SpecDocuments.mapper().writeValueAsBytes(manifest));
    ObjectNode publishedReport = report.putObject("published").put("method", publish);
    ArrayNode pinned = publishedReport.putArray("members");
    pins.forEach(pin -> pinned.add(pin.ref()));
    long seed = params.path("selector").path("seed").asLong(0);
    RkmeSpec rkme = DataSummaries.of(x, context.source(), seed);
    JsonNode spec =
        resultSpec(context.sourceSpecDocument(), members, publish, publishedEntry, x.rows(), rkme);
    progress.report(1, "done");
    return JobOutcome.newVersion(report, spec, artifact, Map.of());
  }

  /** A figure for one learnware or combination. */
  @FunctionalInterface
  private interface Scorer {
    void score(ObjectNode entry, double[][] outputs);
  }

  /** The most accurate method (classifiers), or the one of the lowest RMSE (regressors). */
  private static final class Best {
    final String metric;
    final boolean higherIsBetter;
    String method;
    double value;

    Best(boolean classifier) {
      this.metric = classifier ? "accuracy" : "rmse";
      this.higherIsBetter = classifier;
    }

    /** The first offered wins ties. */
    void offer(String name, ObjectNode entry) {
      if (!entry.has(metric)) {
        return;
      }
      double v = entry.get(metric).doubleValue();
      if (method == null || (higherIsBetter ? v > value : v < value)) {
        method = name;
        value = v;
      }
    }
  }

  /** {@code params.publish}, checked; null when the job publishes nothing. */
  private static String publish(JsonNode params, boolean classifier) throws JobFailure {
    JsonNode value = params.get("publish");
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual() || !METHODS.contains(value.asText())) {
      throw new JobFailure(
          "publish must be one of %s, got %s".formatted(String.join(", ", METHODS), value));
    }
    if (!classifier && value.asText().equals("vote")) {
      throw new JobFailure(VOTE_IS_FOR_CLASSIFIERS);
    }
    return value.asText();
  }

  /** The methods to report, in {@link #METHODS}' order; the published one always among them. */
  private static List<String> methods(JsonNode params, boolean classifier, String publish)
      throws JobFailure {
    List<String> asked = new ArrayList<>();
    if (!params.has("methods")) {
      asked.addAll(classifier ? METHODS : List.of("mean", "selector"));
    } else {
      JsonNode value = params.get("methods");
      if (!value.isArray()) {
        throw new JobFailure("methods must be a list among " + METHODS);
      }
      for (JsonNode method : value) {
        if (!METHODS.contains(method.asText())) {
          throw new JobFailure(
              "unknown method \"%s\"; reuse offers %s".formatted(method.asText(), METHODS));
        }
        if (!classifier && method.asText().equals("vote")) {
          throw new JobFailure(VOTE_IS_FOR_CLASSIFIERS);
        }
        asked.add(method.asText());
      }
    }
    if (publish != null) {
      asked.add(publish);
    }
    return METHODS.stream().filter(asked::contains).toList();
  }

  /**
   * Each member pinned as a published ensemble pins it: {@code owner/name}, version, and its model
   * file's SHA-256.
   *
   * @param publishing whether the pins are published: then no member may be an ensemble
   */
  private static List<EnsembleManifest.Member> pins(List<SourceInputs> members, boolean publishing)
      throws JobFailure, ModelException {
    List<EnsembleManifest.Member> pins = new ArrayList<>();
    for (SourceInputs member : members) {
      if (publishing && member.spec().model().format() == ModelFormat.ENSEMBLE) {
        throw new JobFailure(
            "%s is a published ensemble; a published ensemble pins models, not ensembles"
                .formatted(member.learnware()));
      }
      String ref = member.learnware();
      int at = ref.lastIndexOf('@');
      int version;
      try {
        version = at < 0 ? -1 : Integer.parseInt(ref.substring(at + 1));
      } catch (NumberFormatException e) {
        version = -1;
      }
      if (version < 1) {
        throw new IllegalStateException(
            "the market named a member %s, not owner/name@version".formatted(ref));
      }
      pins.add(
          new EnsembleManifest.Member(
              ref.substring(0, at), version, EnsembleLoader.sha256(member.model())));
    }
    return pins;
  }

  /** The manifest as published, checked against its schema like any upload of one. */
  private static ObjectNode checked(EnsembleManifest manifest) throws JobFailure {
    ObjectNode json = manifest.toJson();
    try {
      EnsembleManifest.parse(json, new SpecValidator());
    } catch (IllegalArgumentException e) {
      throw new JobFailure("the ensemble cannot be published: " + e.getMessage(), e);
    }
    return json;
  }

  /** The first member without an RKME, if any. */
  private static Optional<String> missingRkme(List<SourceInputs> members) {
    return members.stream()
        .filter(m -> m.spec().statistical() == null)
        .map(SourceInputs::learnware)
        .findFirst();
  }

  private static JobSelector selector(JobSelector.Builder settings, List<SourceInputs> members)
      throws JobFailure {
    List<Rkme> rkmes = new ArrayList<>();
    for (SourceInputs member : members) {
      rkmes.add(Rkme.fromSpec(member.spec().statistical()));
    }
    try {
      return settings.setCandidates(rkmes).build();
    } catch (IllegalArgumentException e) {
      throw new JobFailure("the job selector: " + e.getMessage(), e);
    }
  }

  private static JobSelector.Builder selectorBuilder(JsonNode settings) throws JobFailure {
    JobSelector.Builder builder = JobSelector.builder();
    if (settings.isMissingNode()) {
      return builder;
    }
    if (!settings.isObject()) {
      throw new JobFailure("selector must be an object of " + SELECTOR_PARAMETERS);
    }
    for (Iterator<String> names = settings.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!SELECTOR_PARAMETERS.contains(name)) {
        throw new JobFailure(
            "unknown selector setting \"%s\"; the selector takes %s"
                .formatted(name, String.join(", ", SELECTOR_PARAMETERS)));
      }
      JsonNode value = settings.get(name);
      if (!value.isNumber()) {
        throw new JobFailure("selector." + name + " must be a number, got " + value);
      }
      switch (name) {
        case "pointsPerCandidate" -> builder.optPointsPerCandidate(value.intValue());
        case "hidden" -> builder.optHidden(value.intValue());
        case "epochs" -> builder.optEpochs(value.intValue());
        case "learningRate" -> builder.optLearningRate(value.doubleValue());
        case "seed" -> builder.optSeed(value.longValue());
        default -> throw new IllegalStateException(name);
      }
    }
    return builder;
  }

  /**
   * The members must all be classifiers or all regressors, over the same inputs and outputs.
   *
   * @return their task
   */
  private static Task checkCompatible(List<SourceInputs> members) throws JobFailure {
    SourceInputs first = members.getFirst();
    Task task = first.spec().task();
    int inputs = -1;
    for (SourceInputs member : members) {
      Task mine = member.spec().task();
      if (mine != Task.CLASSIFICATION && mine != Task.REGRESSION) {
        throw new JobFailure(
            "%s is a %s learnware; reuse combines classifiers or regressors"
                .formatted(member.learnware(), mine == null ? "(no task)" : mine.jsonName()));
      }
      if (mine != task) {
        throw new JobFailure(
            "%s is a %s, %s a %s: reuse combines learnwares of one task"
                .formatted(member.learnware(), noun(mine), first.learnware(), noun(task)));
      }
      int size;
      try {
        size = InputShape.of(member.spec()).size();
      } catch (ModelException e) {
        throw new JobFailure(member.learnware() + ": " + e.getMessage(), e);
      }
      if (inputs >= 0 && size != inputs) {
        throw new JobFailure(
            "%s takes %d inputs, %s takes %d: reuse combines learnwares of one input space"
                .formatted(member.learnware(), size, first.learnware(), inputs));
      }
      inputs = size;
      if (member.spec().output().dimension() != first.spec().output().dimension()) {
        throw new JobFailure(
            "%s has %d %s, %s has %d: reuse combines learnwares of one output space"
                .formatted(
                    member.learnware(),
                    member.spec().output().dimension(),
                    task == Task.CLASSIFICATION ? "classes" : "outputs",
                    first.learnware(),
                    first.spec().output().dimension()));
      }
    }
    return task;
  }

  private static String noun(Task task) {
    return task == Task.CLASSIFICATION ? "classifier" : "regressor";
  }

  /** Whether a regressors' data set has targets: a CSV with a {@code label} column. */
  private static boolean hasTargets(Path file) throws IOException, JobFailure {
    if (IdxFiles.isImages(file)) {
      return false;
    }
    try {
      return CsvTables.header(file).contains(Datasets.LABEL_COLUMN);
    } catch (DataFormatException e) {
      throw new JobFailure("the data set is not a numeric CSV table: " + e.getMessage(), e);
    }
  }

  /** A member's outputs, checked against its declared dimension. */
  private static double[][] outputs(float[][] outputs, String ref, int dimension)
      throws JobFailure {
    double[][] out = new double[outputs.length][];
    for (int r = 0; r < outputs.length; r++) {
      if (outputs[r].length != dimension) {
        throw new JobFailure(
            "%s answered %d outputs where its spec declares %d"
                .formatted(ref, outputs[r].length, dimension));
      }
      out[r] = new double[dimension];
      for (int c = 0; c < dimension; c++) {
        out[r][c] = outputs[r][c];
      }
    }
    return out;
  }

  /** The rows as the models see them: every value rounded to float32. */
  private static Matrix asFloats(Matrix x) {
    double[] values = new double[x.data().length];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) x.data()[i];
    }
    return new Matrix(x.rows(), x.columns(), values);
  }

  /** A combination's outputs as a loaded published ensemble answers them (float32). */
  private static double[][] asFloats(double[][] outputs) {
    double[][] out = new double[outputs.length][];
    for (int r = 0; r < outputs.length; r++) {
      out[r] = new double[outputs[r].length];
      for (int c = 0; c < out[r].length; c++) {
        out[r][c] = (float) outputs[r][c];
      }
    }
    return out;
  }

  /**
   * The published ensemble's specification: the source's (input, output, task, licence; the tags
   * every member has) with the ensemble's model, a name and description saying what it combines,
   * how, and what it scored on the job's rows, and the RKME of those rows.
   */
  static JsonNode resultSpec(
      JsonNode sourceDocument,
      List<SourceInputs> members,
      String method,
      ObjectNode measured,
      int rows,
      RkmeSpec rkme) {
    String refs = members.stream().map(SourceInputs::learnware).collect(Collectors.joining(", "));
    String listed =
        members.stream()
            .map(m -> "%s (\"%s\")".formatted(m.learnware(), m.spec().name()))
            .collect(Collectors.joining(", "));
    LearnwareSpec first = members.getFirst().spec();
    boolean classifier = first.task() == Task.CLASSIFICATION;
    String how =
        switch (method) {
          case "mean" ->
              classifier ? "the mean of their class probabilities" : "the mean of their outputs";
          case "vote" -> "a majority vote of their predicted classes";
          default ->
              "the RKME job selector: each row is answered by the member whose published RKME it"
                  + " resembles most";
        };
    String scored;
    if (measured.has("accuracy")) {
      scored =
          String.format(
              Locale.ROOT,
              "it was right for %.1f%% of them",
              100 * measured.get("accuracy").asDouble());
    } else if (measured.has("rmse")) {
      scored =
          String.format(
              Locale.ROOT,
              "MAE %.4g, RMSE %.4g, R² %s",
              measured.get("mae").asDouble(),
              measured.get("rmse").asDouble(),
              measured.get("r2").isNull()
                  ? "undefined"
                  : String.format(Locale.ROOT, "%.4f", measured.get("r2").asDouble()));
    } else {
      scored = "they had no labels, so it was not measured";
    }
    String description =
        ("A published ensemble of %d learnware versions, each pinned by its version and the"
                + " SHA-256 of its model: %s. It answers with %s. Made by a reuse job on %d rows"
                + " of the requester's data set: %s. Inputs and outputs are those of %s: %s")
            .formatted(
                members.size(),
                listed,
                how,
                rows,
                scored,
                members.getFirst().learnware(),
                first.description());
    // The ensemble answers for every member's data: of the source's tags, keep those all share
    // (digits-low's "digits-0-4" would mislabel an ensemble that also knows 5-9).
    ObjectNode document = sourceDocument.deepCopy();
    ArrayNode shared = document.putArray("tags");
    for (JsonNode tag : sourceDocument.path("tags")) {
      if (members.stream()
          .allMatch(m -> m.spec().tags() != null && m.spec().tags().contains(tag.asText()))) {
        shared.add(tag.asText());
      }
    }
    return DerivedSpecs.derive(
        document,
        "Ensemble (%s) of %s".formatted(method, refs),
        description,
        TAG,
        ModelFormat.ENSEMBLE,
        null,
        rkme);
  }
}
