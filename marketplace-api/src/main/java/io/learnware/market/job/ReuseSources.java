package io.learnware.market.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.account.Caller;
import io.learnware.market.learnware.EnsemblePins;
import io.learnware.market.learnware.LearnwareVersion;
import io.learnware.market.learnware.VersionRefs;
import io.learnware.market.learnware.VersionState;
import io.learnware.market.problem.MarketException;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.reuse.EnsembleManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The learnwares a {@code reuse} job combines: its {@code source} first, then {@code
 * params.sources}. At request time each is resolved once to an exact, usable version and written
 * back as {@code owner/name@N}, so that retries and later readers see what was combined even after
 * aliases move.
 */
final class ReuseSources {

  /** The most learnwares one job combines, the source included (also a published ensemble's). */
  static final int MAX = 8;

  /** The param naming how a published ensemble combines its members. */
  static final String PUBLISH = "publish";

  private static final Pattern REF =
      Pattern.compile(
          "^([a-z0-9][a-z0-9-]{1,62})/([a-z0-9][a-z0-9-]{1,62})(?:@([A-Za-z0-9-]{1,63}))?$");

  private ReuseSources() {}

  /**
   * Checks {@code params.sources} and returns the params with every entry resolved. A job that
   * publishes its ensemble ({@code params.publish}, set to {@code mean} when the request names a
   * {@code target} but no method) is checked for what a published ensemble needs.
   *
   * @param target whether the request names a target learnware
   * @throws MarketException.InvalidInput for a missing or malformed list
   * @throws MarketException.NotFound for a learnware or version that does not exist, or that the
   *     caller may not read
   * @throws MarketException.Conflict for a version that is not usable
   */
  static ObjectNode resolve(
      Caller caller, JsonNode params, LearnwareVersion source, boolean target) {
    ObjectNode resolved =
        params == null ? SpecDocuments.mapper().createObjectNode() : (ObjectNode) params.deepCopy();
    JsonNode sources = resolved.get("sources");
    if (sources == null || !sources.isArray() || sources.isEmpty()) {
      throw new MarketException.InvalidInput(
          "/params/sources",
          "a reuse job combines its source with at least one more learnware: list them as"
              + " owner/name@ref");
    }
    if (sources.size() + 1 > MAX) {
      throw new MarketException.InvalidInput(
          "/params/sources", "a reuse job combines at most " + MAX + " learnwares");
    }
    Set<Long> seen = new HashSet<>(List.of(source.id));
    List<LearnwareVersion> members = new ArrayList<>(List.of(source));
    ArrayNode exact = resolved.putArray("sources");
    for (int i = 0; i < sources.size(); i++) {
      String pointer = "/params/sources/" + i;
      Matcher ref = REF.matcher(sources.get(i).asText(""));
      if (!sources.get(i).isTextual() || !ref.matches()) {
        throw new MarketException.InvalidInput(pointer, "must be owner/name or owner/name@ref");
      }
      LearnwareVersion version =
          VersionRefs.resolveReadable(
              caller, ref.group(1), ref.group(2), ref.group(3) == null ? "latest" : ref.group(3));
      if (version.state != VersionState.USABLE) {
        throw new MarketException.Conflict(
            refOf(version) + " is " + version.state + "; a reuse job needs USABLE versions.");
      }
      if (!seen.add(version.id)) {
        throw new MarketException.InvalidInput(
            pointer, refOf(version) + " is already among the learnwares combined");
      }
      exact.add(refOf(version));
      members.add(version);
    }
    JsonNode publish = resolved.get(PUBLISH);
    if (publish == null && target) {
      resolved.put(PUBLISH, EnsembleManifest.Method.MEAN.jsonName());
    } else if (publish != null) {
      requirePublishable(publish, members);
    }
    return resolved;
  }

  /** Whether a reuse job's params (as stored, or a request's resolved ones) ask to publish. */
  static boolean publishes(JsonNode params) {
    return params != null && params.hasNonNull(PUBLISH);
  }

  static boolean publishes(String params) {
    return publishes(tree(params));
  }

  /**
   * What a published ensemble needs of the learnwares it pins (docs/reuse.md "Publishing"): a known
   * method, members that are no ensembles, of one data type, input size, output dimension, task
   * (classification or regression) and licence, no vote on regressors, and an RKME of one space in
   * every member for the selector.
   */
  private static void requirePublishable(JsonNode publish, List<LearnwareVersion> members) {
    EnsembleManifest.Method method;
    try {
      method = EnsembleManifest.Method.of(publish.isTextual() ? publish.textValue() : "");
    } catch (IllegalArgumentException e) {
      throw new MarketException.InvalidInput(
          "/params/publish", "must be mean, vote or selector: how the ensemble combines them");
    }
    LearnwareVersion first = members.getFirst();
    if (!first.task.equals("classification") && !first.task.equals("regression")) {
      throw new MarketException.InvalidInput(
          "/source",
          refOf(first)
              + " is a "
              + first.task
              + " learnware; published ensembles combine classifiers or regressors");
    }
    if (method == EnsembleManifest.Method.VOTE && first.task.equals("regression")) {
      throw new MarketException.InvalidInput(
          "/params/publish", "regressors are combined by mean or selector; vote needs classes");
    }
    JsonNode firstRkme = method == EnsembleManifest.Method.SELECTOR ? rkmeOf(first) : null;
    for (int i = 0; i < members.size(); i++) {
      LearnwareVersion member = members.get(i);
      String pointer = i == 0 ? "/source" : "/params/sources/" + (i - 1);
      if (EnsemblePins.isEnsemble(member)) {
        throw new MarketException.InvalidInput(
            pointer,
            refOf(member)
                + " is itself a published ensemble; an ensemble's members are never ensembles"
                + " (combine its members instead)");
      }
      if (!member.dataType.equals(first.dataType)
          || !member.task.equals(first.task)
          || !Objects.equals(EnsemblePins.inputSize(member), EnsemblePins.inputSize(first))
          || !Objects.equals(member.outputDimension, first.outputDimension)) {
        throw new MarketException.InvalidInput(
            pointer,
            "%s (%s) does not fit %s (%s): a published ensemble's members share data type, input size, output dimension and task"
                .formatted(refOf(member), shape(member), refOf(first), shape(first)));
      }
      if (!Objects.equals(member.license, first.license)) {
        throw new MarketException.InvalidInput(
            pointer,
            "%s is licensed %s, %s %s: a published ensemble carries its members' terms and its"
                    .formatted(refOf(member), member.license, refOf(first), first.license)
                + " specification names one licence, so its members share it");
      }
      if (method == EnsembleManifest.Method.SELECTOR) {
        JsonNode rkme = rkmeOf(member);
        if (rkme == null) {
          throw new MarketException.InvalidInput(
              pointer,
              refOf(member)
                  + " publishes no RKME (spec member statistical); the selector routes rows by"
                  + " the members' RKMEs");
        }
        if (firstRkme != null
            && (rkme.path("gamma").doubleValue() != firstRkme.path("gamma").doubleValue()
                || rkme.path("dimension").intValue() != firstRkme.path("dimension").intValue())) {
          throw new MarketException.InvalidInput(
              pointer,
              refOf(member)
                  + "'s RKME is of another space (gamma and dimension) than "
                  + refOf(first)
                  + "'s; the selector compares RKMEs of one space");
        }
      }
    }
  }

  private static String shape(LearnwareVersion version) {
    return "%s %s, %s inputs, %s outputs"
        .formatted(
            version.dataType,
            version.task,
            EnsemblePins.inputSize(version),
            version.outputDimension);
  }

  /** The version's published RKME, or null. */
  private static JsonNode rkmeOf(LearnwareVersion version) {
    JsonNode statistical = tree(version.spec).get("statistical");
    return statistical == null || statistical.isNull() ? null : statistical;
  }

  /**
   * Every version a reuse job combines, source first, as {@code owner/name@N}: what a published
   * ensemble of the job must pin.
   */
  static List<String> learnwares(String sourceRef, String params) {
    List<String> refs = new ArrayList<>(List.of(sourceRef));
    tree(params).path("sources").forEach(source -> refs.add(source.asText()));
    return refs;
  }

  private static JsonNode tree(String json) {
    try {
      return SpecDocuments.mapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("stored JSON does not parse", e);
    }
  }

  /** The versions after the source, in order, from a job's stored params. */
  static List<LearnwareVersion> others(String params) {
    List<LearnwareVersion> versions = new ArrayList<>();
    for (JsonNode source : tree(params).path("sources")) {
      String text = source.asText();
      int at = text.indexOf('@');
      int slash = text.indexOf('/');
      try {
        versions.add(
            VersionRefs.resolve(
                text.substring(0, slash), text.substring(slash + 1, at), text.substring(at + 1)));
      } catch (MarketException.NotFound e) {
        versions.add(null);
      }
    }
    return versions;
  }

  static String refOf(LearnwareVersion version) {
    return version.learnware.key() + "@" + version.version;
  }
}
