package io.learnware.market.search;

import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * A set of learnware ids as a sorted array: membership by binary search, without boxing, for
 * predicates a search tests against every learnware of a space (100,000 boxed lookups in a {@code
 * HashSet} cost milliseconds).
 */
final class LearnwareIds implements LongPredicate {

  static final LearnwareIds NONE = new LearnwareIds(new long[0]);

  private final long[] sorted;

  private LearnwareIds(long[] sorted) {
    this.sorted = sorted;
  }

  /** The set of {@code ids} (in any order, duplicates allowed); the array is sorted in place. */
  static LearnwareIds of(long[] ids) {
    Arrays.sort(ids);
    return new LearnwareIds(ids);
  }

  /** The set of a comma-separated list of ids, as {@code string_agg} writes it; null is empty. */
  static LearnwareIds parse(String csv) {
    if (csv == null || csv.isEmpty()) {
      return NONE;
    }
    int count = 1;
    for (int i = 0; i < csv.length(); i++) {
      if (csv.charAt(i) == ',') {
        count++;
      }
    }
    long[] ids = new long[count];
    int at = 0;
    int start = 0;
    for (int i = 0; i <= csv.length(); i++) {
      if (i == csv.length() || csv.charAt(i) == ',') {
        ids[at++] = Long.parseLong(csv, start, i, 10);
        start = i + 1;
      }
    }
    return of(ids);
  }

  boolean isEmpty() {
    return sorted.length == 0;
  }

  int size() {
    return sorted.length;
  }

  @Override
  public boolean test(long id) {
    return Arrays.binarySearch(sorted, id) >= 0;
  }

  /** Every id but these. */
  LongPredicate complement() {
    return isEmpty() ? id -> true : id -> !test(id);
  }
}
