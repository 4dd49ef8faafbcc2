package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * {@code POST /jobs}: what to run on which learnware.
 *
 * @param type {@code validate}, {@code distill}, {@code transfer}, {@code robustness}, {@code
 *     reuse} or {@code evaluate}
 * @param source {@code owner/name@ref}
 * @param dataset {@code owner/name} of one of the caller's data sets, or null
 * @param params the job type's parameters (see the API contract), or null for the defaults
 * @param target {@code owner/name} receiving a created version, or null for the default name
 * @param visibility of the target learnware if the job creates it, {@code public} or {@code
 *     private}; null: private when a source is, else the market's default
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRequest(
    String type,
    String source,
    String dataset,
    ObjectNode params,
    String target,
    String visibility) {

  public JobRequest {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
  }

  /** A job of {@code type} on {@code source} with default parameters and no data set. */
  public static JobRequest of(String type, LearnwareRef source) {
    return new JobRequest(type, source.toString(), null, null, null, null);
  }

  /**
   * A {@code reuse} job: the learnwares combined (the first is the job's source, the others go to
   * {@code params.sources}) on one of the caller's data sets.
   *
   * @param dataset {@code owner/name}
   */
  public static JobRequest reuse(List<LearnwareRef> learnwares, String dataset) {
    if (learnwares.size() < 2) {
      throw new IllegalArgumentException("reuse combines at least two learnwares");
    }
    ObjectNode params = JsonNodeFactory.instance.objectNode();
    ArrayNode sources = params.putArray("sources");
    learnwares.subList(1, learnwares.size()).forEach(ref -> sources.add(ref.toString()));
    return new JobRequest("reuse", learnwares.getFirst().toString(), dataset, params, null, null);
  }

  public JobRequest withDataset(String owner, String name) {
    return new JobRequest(type, source, owner + "/" + name, params, target, visibility);
  }

  public JobRequest withParams(ObjectNode newParams) {
    return new JobRequest(type, source, dataset, newParams, target, visibility);
  }

  public JobRequest withTarget(String owner, String name) {
    return new JobRequest(type, source, dataset, params, owner + "/" + name, visibility);
  }

  /** {@code public} or {@code private}: the visibility of a learnware the job creates. */
  public JobRequest withVisibility(String newVisibility) {
    return new JobRequest(type, source, dataset, params, target, newVisibility);
  }
}
