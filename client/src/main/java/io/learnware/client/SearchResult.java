package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code POST /api/v1/search}. Read leniently: members the client does not know are
 * kept in {@code other} (and written back out by Jackson), so that newer servers lose nothing.
 *
 * @param single learnwares ranked on their own, best first
 * @param mixture a weighted combination of learnwares that together fit the statistical query
 *     better than any single one; null when none was computed
 * @param total how many learnwares matched in all, when the server says
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchResult(
    List<Match> single,
    Mixture mixture,
    Long total,
    @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

  public SearchResult {
    single = single == null ? List.of() : List.copyOf(single);
    other = copy(other);
  }

  /**
   * One learnware found.
   *
   * @param learnware {@code owner/name@version}
   * @param title the name its specification gives it
   * @param score higher is better, in [0, 1]
   * @param mmd the maximum mean discrepancy to the statistical query, when there was one
   * @param visibility {@code public} or {@code private} (only those who may read it find a private
   *     learnware)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Match(
      String learnware,
      String title,
      Double score,
      Double mmd,
      String visibility,
      @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    public Match {
      other = copy(other);
    }
  }

  /** Learnwares whose weighted mixture fits the statistical query. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Mixture(
      List<Item> items,
      Double mmd,
      Double score,
      @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

    public Mixture {
      items = items == null ? List.of() : List.copyOf(items);
      other = copy(other);
    }

    /** One learnware in the mixture with its weight (the weights sum to 1). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(
        String learnware,
        Double weight,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {

      public Item {
        other = copy(other);
      }
    }
  }

  /** Insertion-ordered, so that unknown members are written back in the order they came. */
  private static Map<String, JsonNode> copy(Map<String, JsonNode> other) {
    return other == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(other));
  }
}
