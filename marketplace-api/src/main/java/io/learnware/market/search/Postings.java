package io.learnware.market.search;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Which learnwares have each key (an owner, or a lexeme), listed while few do: a filter on a rare
 * owner or word then tests those learnwares alone, as PostgreSQL's owner and text indexes let it,
 * instead of walking every slot of a space (13–28 ms at 1,000,000, docs/benchmarks.md). A key held
 * by more than {@link #LIMIT} learnwares keeps only its count, since a filter on it passes too many
 * for a list to beat the walk; it is listed again once it falls to half the limit.
 *
 * <p>Not thread-safe: {@link StatisticalIndex} writes under its write lock.
 */
final class Postings {

  /**
   * The most learnwares a key's list holds: a list costs a hash lookup per learnware, so it beats
   * the walk only while it is a small part of a large space.
   */
  static final int LIMIT = 4096;

  /**
   * key → {count, id₁, …, id_count, spare…}, or {count} alone once the key outgrew the limit. One
   * array per key: most keys (a learnware's own name) are held by one learnware.
   */
  private final Map<String, long[]> byKey = new HashMap<>();

  void add(String key, long learnwareId) {
    long[] held = byKey.get(key);
    if (held == null) {
      byKey.put(key, new long[] {1, learnwareId});
      return;
    }
    int count = (int) held[0];
    if (!listed(held)) {
      held[0] = count + 1;
      return;
    }
    if (count == LIMIT) {
      byKey.put(key, new long[] {count + 1});
      return;
    }
    if (count + 1 == held.length) {
      held = Arrays.copyOf(held, Math.min(2 * held.length, LIMIT + 1));
      byKey.put(key, held);
    }
    held[count + 1] = learnwareId;
    held[0] = count + 1;
  }

  /**
   * Removes a learnware from a key it had. True when the key has just fallen to half the limit
   * without a list: the caller lists it again ({@link #relist}).
   */
  boolean remove(String key, long learnwareId) {
    long[] held = byKey.get(key);
    if (held == null) {
      return false;
    }
    int count = (int) held[0] - 1;
    if (count == 0) {
      byKey.remove(key);
      return false;
    }
    held[0] = count;
    if (!listed(held)) {
      return count == LIMIT / 2;
    }
    for (int i = 1; i <= count + 1; i++) {
      if (held[i] == learnwareId) {
        held[i] = held[count + 1];
        break;
      }
    }
    return false;
  }

  /** Lists a key again from every learnware that has it, found by a walk. */
  void relist(String key, long[] learnwareIds) {
    long[] held = new long[learnwareIds.length + 1];
    held[0] = learnwareIds.length;
    System.arraycopy(learnwareIds, 0, held, 1, learnwareIds.length);
    byKey.put(key, held);
  }

  /** The learnwares that have {@code key}, or null when too many do to list. */
  long[] of(String key) {
    long[] held = byKey.get(key);
    if (held == null) {
      return new long[0];
    }
    return listed(held) ? Arrays.copyOfRange(held, 1, (int) held[0] + 1) : null;
  }

  private static boolean listed(long[] held) {
    return held.length > 1;
  }
}
