package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The body of {@code POST /api/v1/search}. Every member is optional; absent ones are left out of
 * the JSON.
 *
 * @param q words to look for in names, descriptions and tags
 * @param statistical an RKME document (canonical or the learnware package's format) to rank by how
 *     close each learnware's training data is to it
 * @param limit how many single matches to return
 * @param offset how many to skip, for paging
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SearchRequest(
    String q, Filters filters, JsonNode statistical, Integer limit, Integer offset) {

  /** Drops empty filters, so that the JSON only says what the caller asked for. */
  public SearchRequest {
    filters = filters == null || filters.isEmpty() ? null : filters;
  }

  /**
   * Semantic filters; a learnware matches when it has every one given.
   *
   * @param tags all of which the learnware must carry
   * @param owner the learnware's owner
   * @param input the shape the learnware must accept, e.g. {@code {"dimension": 64}} or {@code
   *     {"channels": 1, "height": 28, "width": 28}}
   * @param output the shape it must give, e.g. {@code {"dimension": 10}}
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Filters(
      String dataType,
      String task,
      String license,
      List<String> tags,
      String owner,
      JsonNode input,
      JsonNode output) {

    public Filters {
      tags = tags == null ? List.of() : List.copyOf(tags);
    }

    boolean isEmpty() {
      return dataType == null
          && task == null
          && license == null
          && tags.isEmpty()
          && owner == null
          && input == null
          && output == null;
    }
  }
}
