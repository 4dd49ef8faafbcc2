package io.learnware.market.search;

import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * A set of learnware ids as a sorted array, without boxing, for predicates a search tests against
 * every learnware of a space (100,000 boxed lookups in a {@code HashSet} cost milliseconds).
 * Membership is a bit test where the ids are dense enough for a bitmap no larger than the array
 * (ids are sequence numbers, so a filter matching many learnwares is), else a binary search.
 */
final class LearnwareIds implements LongPredicate {

  static final LearnwareIds NONE = new LearnwareIds(new long[0]);

  private final long[] sorted;

  /** Bit {@code id} set for each member, or null where the ids are too sparse for it. */
  private final long[] bits;

  private LearnwareIds(long[] sorted) {
    this.sorted = sorted;
    this.bits = bitmap(sorted);
  }

  private static long[] bitmap(long[] sorted) {
    if (sorted.length == 0 || sorted[0] < 0) {
      return null;
    }
    long max = sorted[sorted.length - 1];
    if (max >= 64L * sorted.length + 4096 || max >= Integer.MAX_VALUE) {
      return null;
    }
    long[] bits = new long[(int) (max >>> 6) + 1];
    for (long id : sorted) {
      bits[(int) (id >>> 6)] |= 1L << id;
    }
    return bits;
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
    if (bits != null) {
      return id >= 0 && id >>> 6 < bits.length && (bits[(int) (id >>> 6)] & 1L << id) != 0;
    }
    return Arrays.binarySearch(sorted, id) >= 0;
  }

  /** Every id but these. */
  LongPredicate complement() {
    return isEmpty() ? id -> true : id -> !test(id);
  }
}
