package io.learnware.worker.reuse;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.Task;
import io.learnware.spec.reuse.Ensembles;
import io.learnware.spec.reuse.JobSelector;
import io.learnware.spec.reuse.ProbabilisticClassifier;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.worker.job.Datasets;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.JobProgress;
import io.learnware.worker.job.SourceInputs;
import io.learnware.worker.model.Devices;
import io.learnware.worker.model.InputShape;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelRuntime;
import io.learnware.worker.model.ModelSource;
import io.learnware.worker.model.RunnableModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code reuse} job: several classifier learnwares combined on the requester's data set — each
 * alone, the mean of their probabilities, their vote, and the RKME job selector (each row answered
 * by the learnware whose published RKME it resembles most). With labels every method's accuracy is
 * measured; the report's schema is in docs/reuse.md. It creates no version.
 */
public final class ReuseHandler implements JobHandler {

  public static final String TYPE = "reuse";

  /** The combinations the job can report; all by default (the selector needs RKMEs). */
  static final List<String> METHODS = List.of("mean", "vote", "selector");

  private static final Set<String> PARAMETERS =
      new TreeSet<>(List.of("sources", "methods", "selector"));
  private static final Set<String> SELECTOR_PARAMETERS =
      new TreeSet<>(List.of("pointsPerCandidate", "hidden", "epochs", "learningRate", "seed"));

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
    List<String> methods = methods(params);
    List<SourceInputs> members = context.sources();
    if (members.size() < 2) {
      throw new JobFailure("a reuse job combines at least two learnwares; list more in sources");
    }
    int inputs = checkCompatible(members);
    int classes = context.source().output().dimension();

    JobProgress progress = context.progress();
    if (context.dataset().isEmpty()) {
      throw new JobFailure("reuse needs a data set to predict; name one in the job");
    }
    Datasets.Labelled data =
        Datasets.read(
            context.dataset().get(),
            context.datasetLabels().orElse(null),
            context.source(),
            inputs,
            "the learnwares",
            (read, total) ->
                progress.report(0.1 * read / Math.max(1, total), "reading the data set"));
    Matrix x = data.features();
    int[] labels = data.labels();
    if (x.rows() == 0) {
      throw new JobFailure("the data set has no rows");
    }

    Device device;
    try {
      device = Devices.select(context.device());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("this worker's device: " + e.getMessage(), e);
    }
    // Each learnware predicts every row once; the combinations reuse those probabilities.
    List<double[][]> probabilities = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      SourceInputs member = members.get(i);
      progress.report(0.1 + 0.7 * i / members.size(), "predicting with " + member.learnware());
      progress.checkCancelled();
      try (RunnableModel model =
          ModelRuntime.load(
              ModelSource.forSpec(member.spec(), member.model())
                  .optFiles(member.files())
                  .optDevice(device)
                  .build())) {
        probabilities.add(softmax(model.predict(x), member.learnware(), classes));
      } catch (ModelException e) {
        throw new JobFailure(member.learnware() + ": " + e.getMessage(), e);
      }
    }
    // The ensembles see the learnwares' answers for exactly the rows x.
    List<ProbabilisticClassifier> answered = new ArrayList<>();
    for (double[][] p : probabilities) {
      answered.add(rows -> p);
    }

    ObjectNode report = SpecDocuments.mapper().createObjectNode();
    ArrayNode log = SpecDocuments.mapper().createArrayNode();
    report.put("rows", x.rows());
    report.put("labelled", labels != null);
    report.put("classes", classes);
    ArrayNode refs = report.putArray("learnwares");
    members.forEach(m -> refs.add(m.learnware()));
    ArrayNode single = report.putArray("single");
    Best best = new Best();
    for (int i = 0; i < members.size(); i++) {
      ObjectNode entry = single.addObject().put("learnware", members.get(i).learnware());
      describe(entry, probabilities.get(i), labels, classes);
      best.offer(members.get(i).learnware(), entry);
    }
    progress.report(0.85, "combining");
    if (methods.contains("mean")) {
      ObjectNode mean = report.putObject("mean");
      describe(mean, Ensembles.mean(answered).probabilities(x), labels, classes);
      best.offer("mean", mean);
    }
    if (methods.contains("vote")) {
      ObjectNode vote = report.putObject("vote");
      describe(vote, Ensembles.vote(answered).probabilities(x), labels, classes);
      best.offer("vote", vote);
    }
    if (methods.contains("selector")) {
      List<Rkme> rkmes = new ArrayList<>();
      for (SourceInputs member : members) {
        if (member.spec().statistical() != null) {
          rkmes.add(Rkme.fromSpec(member.spec().statistical()));
        }
      }
      if (rkmes.size() < members.size()) {
        log.add("selector skipped: not every learnware publishes an RKME");
      } else {
        progress.report(0.9, "training the job selector on herded points");
        JsonNode settings = params.path("selector");
        JobSelector.Builder builder = selectorBuilder(settings).setCandidates(rkmes);
        JobSelector selector;
        try {
          selector = builder.build();
        } catch (IllegalArgumentException e) {
          throw new JobFailure("the job selector: " + e.getMessage(), e);
        }
        int[] routes = selector.route(x);
        ObjectNode entry = report.putObject("selector");
        // Every learnware already answered every row: take each row's answer from its route.
        double[][] selected = new double[routes.length][];
        for (int r = 0; r < routes.length; r++) {
          selected[r] = probabilities.get(routes[r])[r];
        }
        describe(entry, selected, labels, classes);
        ArrayNode routed = entry.putArray("routed");
        for (int m = 0; m < members.size(); m++) {
          int count = 0;
          for (int route : routes) {
            count += route == m ? 1 : 0;
          }
          routed.addObject().put("learnware", members.get(m).learnware()).put("rows", count);
        }
        best.offer("selector", entry);
      }
    }
    if (labels != null) {
      report.putObject("best").put("method", best.method).put("accuracy", best.accuracy);
    }
    report.set("log", log);
    progress.report(1, "done");
    return new JobOutcome(report, Optional.empty(), Optional.empty(), Map.of(), Optional.empty());
  }

  /** The method with the highest accuracy; the first offered wins ties. */
  private static final class Best {
    String method;
    double accuracy = -1;

    void offer(String name, ObjectNode entry) {
      if (entry.has("accuracy") && entry.get("accuracy").doubleValue() > accuracy) {
        method = name;
        accuracy = entry.get("accuracy").doubleValue();
      }
    }
  }

  /** Accuracy (with labels) and how many rows were given each class. */
  private static void describe(ObjectNode entry, double[][] p, int[] labels, int classes) {
    if (labels != null) {
      entry.put("accuracy", ProbabilisticClassifier.accuracy(p, labels));
    }
    int[] counts = new int[classes];
    for (int predicted : ProbabilisticClassifier.argmax(p)) {
      counts[predicted]++;
    }
    ArrayNode predicted = entry.putArray("predicted");
    for (int count : counts) {
      predicted.add(count);
    }
  }

  private static List<String> methods(JsonNode params) throws JobFailure {
    if (!params.has("methods")) {
      return METHODS;
    }
    JsonNode value = params.get("methods");
    List<String> methods = new ArrayList<>();
    if (!value.isArray()) {
      throw new JobFailure("methods must be a list among " + METHODS);
    }
    for (JsonNode method : value) {
      if (!METHODS.contains(method.asText())) {
        throw new JobFailure(
            "unknown method \"%s\"; reuse offers %s".formatted(method.asText(), METHODS));
      }
      methods.add(method.asText());
    }
    return methods;
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

  /** The members must be classifiers over the same inputs and classes. */
  private static int checkCompatible(List<SourceInputs> members) throws JobFailure {
    SourceInputs first = members.getFirst();
    int inputs = -1;
    for (SourceInputs member : members) {
      if (member.spec().task() != Task.CLASSIFICATION) {
        throw new JobFailure(
            member.learnware() + " is not a classifier; reuse combines classifiers");
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
            "%s has %d classes, %s has %d: reuse combines learnwares of one output space"
                .formatted(
                    member.learnware(),
                    member.spec().output().dimension(),
                    first.learnware(),
                    first.spec().output().dimension()));
      }
    }
    return inputs;
  }

  private static double[][] softmax(float[][] logits, String ref, int classes) throws JobFailure {
    double[][] out = new double[logits.length][];
    for (int r = 0; r < logits.length; r++) {
      if (logits[r].length != classes) {
        throw new JobFailure(
            "%s answered %d outputs where its spec declares %d"
                .formatted(ref, logits[r].length, classes));
      }
      double max = Double.NEGATIVE_INFINITY;
      for (float v : logits[r]) {
        max = Math.max(max, v);
      }
      double total = 0;
      out[r] = new double[classes];
      for (int c = 0; c < classes; c++) {
        out[r][c] = Math.exp(logits[r][c] - max);
        total += out[r][c];
      }
      for (int c = 0; c < classes; c++) {
        out[r][c] /= total;
      }
    }
    return out;
  }
}
