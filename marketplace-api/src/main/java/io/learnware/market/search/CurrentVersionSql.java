package io.learnware.market.search;

import io.learnware.market.account.Access;
import io.learnware.market.search.SearchDtos.Filters;
import io.learnware.market.search.StatisticalIndex.StateFilter;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL condition for "the current version {@code c} of learnware {@code l} matches the request"
 * and its parameters.
 */
record CurrentVersionSql(
    String where, Map<String, Object> params, boolean hasText, boolean filtersBeyondState) {

  /**
   * @param readable namespaces whose private learnwares the caller may see: others' private ones
   *     never match
   */
  static CurrentVersionSql of(
      String q, Filters filters, StateFilter states, Access.Readable readable) {
    List<String> where = new ArrayList<>();
    Map<String, Object> params = new LinkedHashMap<>();
    boolean hasText = q != null && !q.isBlank();
    if (hasText) {
      where.add("c.search_vector @@ websearch_to_tsquery('english', :q)");
      params.put("q", q);
    }
    equal(where, params, "c.data_type", "dataType", filters.dataType());
    equal(where, params, "c.task", "task", filters.task());
    equal(where, params, "c.license", "license", filters.license());
    equal(where, params, "l.owner", "owner", filters.owner());
    if (filters.tags() != null && !filters.tags().isEmpty()) {
      where.add("c.tags @> CAST(:tags AS text[])");
      params.put("tags", filters.tags().toArray(String[]::new));
    }
    if (filters.input() != null) {
      equal(where, params, "c.input_dimension", "inputDimension", filters.input().dimension());
      equal(where, params, "c.input_channels", "inputChannels", filters.input().channels());
      equal(where, params, "c.input_height", "inputHeight", filters.input().height());
      equal(where, params, "c.input_width", "inputWidth", filters.input().width());
    }
    if (filters.output() != null) {
      equal(where, params, "c.output_dimension", "outputDimension", filters.output().dimension());
    }
    if (filters.robustness() != null) {
      robust(where, params, filters.robustness());
    }
    boolean beyondState = !where.isEmpty();
    if (!readable.all()) {
      where.add("(l.visibility = 'public' OR l.owner = ANY(CAST(:readable AS text[])))");
      params.put("readable", readable.asArray());
    }
    where.add(
        switch (states) {
          case USABLE -> "c.state = 'USABLE'";
          case PENDING -> "c.state = 'PENDING'";
        });
    return new CurrentVersionSql(String.join(" AND ", where), params, hasText, beyondState);
  }

  /** The measure's name in a robustness report, and the member holding its σ or ε. */
  static final java.util.Map<String, String> ROBUSTNESS_MEASURES =
      java.util.Map.of("clean", "", "noise", "sigma", "fgsm", "epsilon", "pgd", "epsilon");

  private static void robust(
      List<String> where, Map<String, Object> params, SearchDtos.RobustnessFilter filter) {
    params.put("robustMin", filter.minAccuracy());
    if (filter.measure().equals("clean")) {
      where.add(
          "EXISTS (SELECT 1 FROM version_report r WHERE r.version_id = c.id AND r.type ="
              + " 'robustness' AND CAST(r.report -> 'clean' ->> 'accuracy' AS float8) >="
              + " :robustMin)");
      return;
    }
    params.put("robustMeasure", filter.measure());
    params.put("robustKey", ROBUSTNESS_MEASURES.get(filter.measure()));
    params.put("robustAt", filter.at());
    // Reports hold the σ or ε they were asked for; equal within float rounding.
    where.add(
        "EXISTS (SELECT 1 FROM version_report r, jsonb_array_elements(r.report -> CAST(:robustMeasure"
            + " AS text)) e WHERE r.version_id = c.id AND r.type = 'robustness'"
            + " AND abs(CAST(e ->> CAST(:robustKey AS text) AS float8) - :robustAt) < 1e-9"
            + " AND CAST(e ->> 'accuracy' AS float8) >= :robustMin)");
  }

  /** The learnwares whose current version matches, read in one row. */
  LearnwareIds matchingIds(EntityManager em) {
    // Every id in one row, held as a sorted array: no boxed set tested for each learnware.
    Query query =
        bind(
            em.createNativeQuery(
                "SELECT string_agg(CAST(l.id AS text), ',') FROM learnware l JOIN"
                    + " learnware_version c ON c.id = l.current_version_id WHERE "
                    + where));
    return LearnwareIds.parse((String) query.getSingleResult());
  }

  Query bind(Query query) {
    params.forEach(query::setParameter);
    return query;
  }

  private static void equal(
      List<String> where, Map<String, Object> params, String column, String name, Object value) {
    if (value != null && !(value instanceof String text && text.isBlank())) {
      where.add(column + " = :" + name);
      params.put(name, value);
    }
  }
}
