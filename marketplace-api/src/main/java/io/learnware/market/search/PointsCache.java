package io.learnware.market.search;

import io.learnware.market.MarketConfig;
import jakarta.enterprise.context.ApplicationScoped;
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

  public PointsCache(MarketConfig config) {
    this.budget = config.search().pointsCache().asLongValue();
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

  /** Bytes held now. */
  synchronized long bytes() {
    return bytes;
  }
}
