package io.learnware.spec.reuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.Task;
import io.learnware.spec.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A published ensemble's model artifact ({@code ensemble.json}, {@code
 * schemas/ensemble-v1.schema.json}): the member versions it pins and how it combines them. {@link
 * PublishedEnsemble} runs the combination.
 *
 * @param router the trained job selector for {@link Method#SELECTOR}, else null
 */
public record EnsembleManifest(
    Method method,
    Task task,
    int inputSize,
    int outputDimension,
    List<Member> members,
    RouterWeights router) {

  /** The file name of the artifact in a version's storage and in downloads. */
  public static final String FILE_NAME = "ensemble.json";

  public static final int VERSION = 1;

  public EnsembleManifest {
    members = List.copyOf(members);
    if ((method == Method.SELECTOR) != (router != null)) {
      throw new IllegalArgumentException("a router belongs to the selector, and only to it");
    }
    if (task == Task.REGRESSION && method == Method.VOTE) {
      throw new IllegalArgumentException("regressors are combined by mean or selector, not vote");
    }
  }

  /** How the members' outputs become the ensemble's. */
  public enum Method {
    /** Classifiers: the mean of their probabilities; regressors: of their outputs. */
    MEAN,
    /** Classifiers only: the shares of the members' votes. */
    VOTE,
    /** Each row answered by the member the RKME job selector routes it to. */
    SELECTOR;

    public String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The method named {@code name}.
     *
     * @throws IllegalArgumentException naming the methods there are
     */
    public static Method of(String name) {
      for (Method method : values()) {
        if (method.jsonName().equals(name)) {
          return method;
        }
      }
      throw new IllegalArgumentException(
          "unknown method \"%s\"; an ensemble combines by mean, vote or selector".formatted(name));
    }
  }

  /**
   * One pinned version.
   *
   * @param learnware {@code owner/name}
   * @param sha256 its model artifact's SHA-256, lower-case hex
   */
  public record Member(String learnware, int version, String sha256) {
    /** {@code owner/name@version}. */
    public String ref() {
      return learnware + "@" + version;
    }
  }

  /**
   * Reads an artifact, checking it against its schema first.
   *
   * @throws IllegalArgumentException listing every violation
   */
  public static EnsembleManifest parse(JsonNode document, SpecValidator validator) {
    List<Violation> violations = validator.validateEnsemble(document);
    if (!violations.isEmpty()) {
      throw new IllegalArgumentException(
          "not a valid ensemble: "
              + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
    }
    List<Member> members = new ArrayList<>();
    for (JsonNode member : document.get("members")) {
      members.add(
          new Member(
              member.get("learnware").asText(),
              member.get("version").asInt(),
              member.get("sha256").asText()));
    }
    JsonNode router = document.get("router");
    return new EnsembleManifest(
        Method.of(document.get("method").asText()),
        document.get("task").asText().equals(Task.REGRESSION.jsonName())
            ? Task.REGRESSION
            : Task.CLASSIFICATION,
        document.get("inputSize").asInt(),
        document.get("outputDimension").asInt(),
        members,
        router == null
            ? null
            : new RouterWeights(
                router.get("inputs").asInt(),
                router.get("hidden").asInt(),
                router.get("outputs").asInt(),
                numbers(router.get("mean")),
                numbers(router.get("scale")),
                numbers(router.get("parameters"))));
  }

  /** The artifact as JSON (valid against its schema). */
  public ObjectNode toJson() {
    ObjectNode out = SpecDocuments.mapper().createObjectNode();
    out.put("ensembleVersion", VERSION);
    out.put("method", method.jsonName());
    out.put("task", task.jsonName());
    out.put("inputSize", inputSize);
    out.put("outputDimension", outputDimension);
    ArrayNode list = out.putArray("members");
    for (Member member : members) {
      list.addObject()
          .put("learnware", member.learnware())
          .put("version", member.version())
          .put("sha256", member.sha256());
    }
    if (router != null) {
      ObjectNode r = out.putObject("router");
      r.put("type", "rkme-job-selector");
      r.put("inputs", router.inputs());
      r.put("hidden", router.hidden());
      r.put("outputs", router.outputs());
      add(r.putArray("mean"), router.mean());
      add(r.putArray("scale"), router.scale());
      add(r.putArray("parameters"), router.parameters());
    }
    return out;
  }

  private static double[] numbers(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).doubleValue();
    }
    return out;
  }

  private static void add(ArrayNode array, double[] values) {
    for (double v : values) {
      array.add(v);
    }
  }
}
