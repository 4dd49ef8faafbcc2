package io.learnware.market.search;

import io.learnware.market.MarketConfig;
import io.learnware.spec.rkme.Rkme;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stored RKME points, packed for {@link ExactScorer}, for the versions searches compared most
 * recently, within {@code learnware.search.points-cache} bytes. A version's RKME never changes, so
 * entries are never stale; those of deleted versions age out. Misses are read from {@code
 * version_rkme} in one query, in the caller's transaction.
 */
@ApplicationScoped
public class PointsCache {

  private final long budget;
  private final LinkedHashMap<Long, PackedPoints> recent = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;

  @Inject
  public PointsCache(MarketConfig config) {
    this(config.search().pointsCache().asLongValue());
  }

  PointsCache(long budget) {
    this.budget = budget;
  }

  /** The packed points of the versions that have an RKME, by version id. */
  Map<Long, PackedPoints> get(Collection<Long> versionIds) {
    Map<Long, PackedPoints> found = new HashMap<>();
    List<Long> missing = new ArrayList<>();
    synchronized (this) {
      for (Long id : versionIds) {
        PackedPoints points = recent.get(id);
        if (points == null) {
          missing.add(id);
        } else {
          found.put(id, points);
        }
      }
    }
    if (missing.isEmpty()) {
      return found;
    }
    int padding = ExactScorer.padding();
    List<PackedPoints> loaded = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    for (VersionRkme row : VersionRkme.listByVersions(missing)) {
      PackedPoints points = PackedPoints.of(row.rkme(), padding);
      found.put(row.versionId, points);
      loaded.add(points);
      ids.add(row.versionId);
    }
    synchronized (this) {
      for (int i = 0; i < loaded.size(); i++) {
        PackedPoints previous = recent.put(ids.get(i), loaded.get(i));
        bytes += loaded.get(i).bytes() - (previous == null ? 0 : previous.bytes());
      }
      var oldest = recent.entrySet().iterator();
      while (bytes > budget && oldest.hasNext()) {
        bytes -= oldest.next().getValue().bytes();
        oldest.remove();
      }
    }
    return found;
  }

  /**
   * Keeps {@code rkme}, read for another purpose (the features' warming at start), while the budget
   * has room: the first searches after a start then read no points from the database, and nothing a
   * search used is pushed out for them.
   */
  void offer(long versionId, Rkme rkme) {
    int padding = ExactScorer.padding();
    long size =
        PackedPoints.bytes(
            rkme.size(), rkme.dimension(), PackedPoints.stride(rkme.size(), padding));
    // Checked before packing too: past the budget the warming would pack every remaining RKME only
    // to drop it.
    if (!hasRoom(versionId, size)) {
      return;
    }
    PackedPoints points = PackedPoints.of(rkme, padding);
    synchronized (this) {
      if (hasRoom(versionId, size)) {
        recent.put(versionId, points);
        bytes += size;
      }
    }
  }

  private synchronized boolean hasRoom(long versionId, long size) {
    return bytes + size <= budget && !recent.containsKey(versionId);
  }

  /** Bytes held now. */
  synchronized long bytes() {
    return bytes;
  }
}
