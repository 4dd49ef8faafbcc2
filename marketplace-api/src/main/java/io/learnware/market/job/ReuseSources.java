package io.learnware.market.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.learnware.LearnwareVersion;
import io.learnware.market.learnware.VersionRefs;
import io.learnware.market.learnware.VersionState;
import io.learnware.market.problem.MarketException;
import io.learnware.spec.SpecDocuments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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

  /** The most learnwares one job combines, the source included. */
  static final int MAX = 8;

  private static final Pattern REF =
      Pattern.compile(
          "^([a-z0-9][a-z0-9-]{1,62})/([a-z0-9][a-z0-9-]{1,62})(?:@([A-Za-z0-9-]{1,63}))?$");

  private ReuseSources() {}

  /**
   * Checks {@code params.sources} and returns the params with every entry resolved.
   *
   * @throws MarketException.InvalidInput for a missing or malformed list
   * @throws MarketException.NotFound for a learnware or version that does not exist
   * @throws MarketException.Conflict for a version that is not usable
   */
  static ObjectNode resolve(JsonNode params, LearnwareVersion source) {
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
    ArrayNode exact = resolved.putArray("sources");
    for (int i = 0; i < sources.size(); i++) {
      String pointer = "/params/sources/" + i;
      Matcher ref = REF.matcher(sources.get(i).asText(""));
      if (!sources.get(i).isTextual() || !ref.matches()) {
        throw new MarketException.InvalidInput(pointer, "must be owner/name or owner/name@ref");
      }
      LearnwareVersion version =
          VersionRefs.resolve(
              ref.group(1), ref.group(2), ref.group(3) == null ? "latest" : ref.group(3));
      if (version.state != VersionState.USABLE) {
        throw new MarketException.Conflict(
            refOf(version) + " is " + version.state + "; a reuse job needs USABLE versions.");
      }
      if (!seen.add(version.id)) {
        throw new MarketException.InvalidInput(
            pointer, refOf(version) + " is already among the learnwares combined");
      }
      exact.add(refOf(version));
    }
    return resolved;
  }

  /** The versions after the source, in order, from a job's stored params. */
  static List<LearnwareVersion> others(String params) {
    JsonNode tree;
    try {
      tree = SpecDocuments.mapper().readTree(params);
    } catch (IOException e) {
      throw new UncheckedIOException("a reuse job's stored params are not JSON", e);
    }
    List<LearnwareVersion> versions = new ArrayList<>();
    for (JsonNode source : tree.path("sources")) {
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
