package io.learnware.market.search;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Data transfer objects: the request and response of {@code POST /api/v1/search}. */
public final class SearchDtos {

  private SearchDtos() {}

  /**
   * @param q full-text query (PostgreSQL {@code websearch_to_tsquery} syntax)
   * @param statistical an RKME document (canonical or the learnware package's); ranks by MMD
   * @param limit results per page, 1..100, default 10
   * @param offset results to skip, default 0
   */
  public record SearchRequest(
      String q, Filters filters, JsonNode statistical, Integer limit, Integer offset) {}

  /**
   * Semantic and shape filters; null members mean "any".
   *
   * @param state {@code USABLE} or {@code PENDING}; by default both (never {@code INVALID})
   */
  public record Filters(
      String dataType,
      String task,
      String license,
      List<String> tags,
      String owner,
      String state,
      InputFilter input,
      OutputFilter output,
      RobustnessFilter robustness) {

    static final Filters NONE = new Filters(null, null, null, null, null, null, null, null, null);
  }

  /**
   * A minimum accuracy in a robustness report of the learnware's current version. Only classifiers'
   * reports have accuracies; a regressor's (errors) never passes.
   *
   * @param measure {@code clean}, {@code noise} (at σ), {@code fgsm} or {@code pgd} (at ε)
   * @param at the σ or ε the accuracy was measured at; not used for {@code clean}
   * @param minAccuracy in [0, 1]
   */
  public record RobustnessFilter(String measure, Double at, Double minAccuracy) {}

  /** The input a learnware must accept: a feature count (tables) or an image shape. */
  public record InputFilter(Integer dimension, Integer channels, Integer height, Integer width) {}

  /** The output a learnware must give: its dimension (for classifiers, the class count). */
  public record OutputFilter(Integer dimension) {}

  /**
   * @param single learnwares best first
   * @param mixture a weighted combination fitting the statistical query better than any single
   *     learnware; absent when none does or without a statistical query
   * @param total learnwares matching the query (all pages)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SearchResult(
      List<Match> single, MixtureView mixture, long total, int offset, int limit) {}

  /**
   * One learnware, by its current version.
   *
   * @param score in [0, 1]: for statistical queries {@code 1 − MMD²/(‖μ_query‖² + ‖μ_learnware‖²)},
   *     for text queries PostgreSQL's normalised rank, otherwise 1
   * @param mmd the MMD to the query's RKME, for statistical queries
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Match(
      String learnware,
      String owner,
      String name,
      int version,
      String title,
      String dataType,
      String task,
      String state,
      String visibility,
      double score,
      Double mmd) {}

  /** {@code score} as for single matches, with the mixture's embedding {@code Σ w_i μ_i}. */
  public record MixtureView(List<MixtureItem> items, double mmd, double score) {}

  public record MixtureItem(String learnware, double weight) {}
}
