package io.learnware.market.search;

import io.learnware.market.search.SearchDtos.Filters;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the semantic filters of a search read of a learnware's current version, held by {@link
 * StatisticalIndex} beside its sketch: a filter matching most of a large market is then tested in
 * memory instead of reading every matching row from PostgreSQL (100 ms at 100,000 learnwares).
 * Strings are interned: a market has few distinct values of each, and a text query compares lexemes
 * by reference ({@link TextQuery}).
 *
 * @param lexemes of the version's {@code search_vector}
 */
record Facets(
    String owner,
    String dataType,
    String task,
    String license,
    String[] tags,
    Integer inputDimension,
    Integer inputChannels,
    Integer inputHeight,
    Integer inputWidth,
    Integer outputDimension,
    String[] lexemes) {

  /**
   * The columns {@link #of} reads, in order, for a query over {@code learnware l} and {@code v}.
   */
  static final String COLUMNS =
      "l.owner, v.data_type, v.task, v.license, v.tags, v.input_dimension, v.input_channels,"
          + " v.input_height, v.input_width, v.output_dimension,"
          + " tsvector_to_array(v.search_vector)";

  Facets {
    owner = owner.intern();
    dataType = dataType.intern();
    task = task.intern();
    license = license.intern();
    tags = interned(tags);
    lexemes = interned(lexemes);
  }

  /** The facets from a row's {@link #COLUMNS}, starting at {@code from}. */
  static Facets of(Object[] row, int from) {
    return new Facets(
        (String) row[from],
        (String) row[from + 1],
        (String) row[from + 2],
        (String) row[from + 3],
        (String[]) row[from + 4],
        (Integer) row[from + 5],
        (Integer) row[from + 6],
        (Integer) row[from + 7],
        (Integer) row[from + 8],
        (Integer) row[from + 9],
        (String[]) row[from + 10]);
  }

  private static String[] interned(String[] values) {
    String[] out = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i].intern();
    }
    return out;
  }

  /**
   * The test of {@code filters} and {@code text} on facets, as {@link CurrentVersionSql} writes it
   * in SQL (blank strings and empty lists filter nothing); state and visibility are the index's.
   * Empty where a filter needs the database: a robustness report.
   */
  static Optional<Filter> filter(Filters filters, TextQuery text) {
    if (filters.robustness() != null) {
      return Optional.empty();
    }
    String dataType = given(filters.dataType());
    String task = given(filters.task());
    String license = given(filters.license());
    String owner = given(filters.owner());
    List<String> tags = filters.tags() == null ? List.of() : filters.tags();
    SearchDtos.InputFilter input = filters.input();
    Integer outputDimension = filters.output() == null ? null : filters.output().dimension();
    Predicate<Facets> passes =
        f ->
            (text == null || text.matches(f.lexemes))
                && equal(dataType, f.dataType)
                && equal(task, f.task)
                && equal(license, f.license)
                && equal(owner, f.owner)
                && containsAll(f.tags, tags)
                && (input == null
                    || equal(input.dimension(), f.inputDimension)
                        && equal(input.channels(), f.inputChannels)
                        && equal(input.height(), f.inputHeight)
                        && equal(input.width(), f.inputWidth))
                && equal(outputDimension, f.outputDimension);
    return Optional.of(new Filter(passes, owner, text));
  }

  /**
   * A test of facets, with what can narrow it to the few learnwares that may pass ({@link
   * Postings}): the owner it requires, and its text query; either may be null.
   */
  record Filter(Predicate<Facets> passes, String owner, TextQuery text) {}

  private static boolean containsAll(String[] held, List<String> wanted) {
    for (String tag : wanted) {
      if (!Arrays.asList(held).contains(tag)) {
        return false;
      }
    }
    return true;
  }

  private static String given(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** SQL's {@code column = :value}: no filter when not given; a null column never matches. */
  private static boolean equal(Object wanted, Object held) {
    return wanted == null || Objects.equals(wanted, held);
  }
}
