package io.learnware.market.search;

import io.learnware.market.search.StatisticalIndex.Candidate;
import io.learnware.market.search.TaylorFeatures.Features;
import io.learnware.spec.rkme.Rkme;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The written-out low-degree features ({@link TaylorFeatures}) of the learnwares of spaces that are
 * searched with certified bounds, by version id, in memory (8.6 KB each at d = 64). A version's
 * features are computed from its stored points the first time a search needs them (a version's RKME
 * never changes); {@link StatisticalIndex} computes those of small spaces at start.
 */
@ApplicationScoped
public class FeatureIndex {

  /** Stored points read per query while computing missing features. */
  private static final int BATCH = 500;

  private final Map<String, SpaceFeatures> spaces = new ConcurrentHashMap<>();

  /** One space's features and the expansion they were computed with. */
  static final class SpaceFeatures {
    final TaylorFeatures taylor;
    final Map<Long, Features> byVersion = new ConcurrentHashMap<>();

    SpaceFeatures(TaylorFeatures taylor) {
      this.taylor = taylor;
    }
  }

  /**
   * The features of the candidates' versions, computing the missing ones in the caller's
   * transaction. A space's expansion is centered on the mean of the points first read for it.
   */
  SpaceFeatures of(RkmeSpace space, List<Candidate> candidates) {
    SpaceFeatures known = spaces.get(space.key());
    List<Long> missing = new ArrayList<>();
    for (Candidate c : candidates) {
      if (known == null || !known.byVersion.containsKey(c.versionId())) {
        missing.add(c.versionId());
      }
    }
    for (int from = 0; from < missing.size(); from += BATCH) {
      List<Rkme> read = new ArrayList<>();
      List<Long> ids = new ArrayList<>();
      List<Double> norms = new ArrayList<>();
      for (VersionRkme row :
          VersionRkme.listByVersions(
              missing.subList(from, Math.min(missing.size(), from + BATCH)))) {
        read.add(row.rkme());
        ids.add(row.versionId);
        norms.add(row.squaredNorm);
      }
      if (read.isEmpty()) {
        continue;
      }
      SpaceFeatures target =
          spaces.computeIfAbsent(
              space.key(),
              unused -> new SpaceFeatures(new TaylorFeatures(read.getFirst().gamma(), mean(read))));
      java.util.stream.IntStream.range(0, read.size())
          .parallel()
          .forEach(
              i -> target.byVersion.put(ids.get(i), target.taylor.of(read.get(i), norms.get(i))));
      known = target;
    }
    if (known != null) {
      forgetOthers(known, candidates);
    }
    return known;
  }

  /** Keeps memory bounded: once twice as many are held as searched, drops the others. */
  private static void forgetOthers(SpaceFeatures features, List<Candidate> candidates) {
    if (features.byVersion.size() <= 2 * candidates.size() + 1000) {
      return;
    }
    Set<Long> current = new HashSet<>();
    candidates.forEach(c -> current.add(c.versionId()));
    features.byVersion.keySet().removeIf(id -> !current.contains(id));
  }

  private static double[] mean(List<Rkme> rkmes) {
    int d = rkmes.getFirst().dimension();
    double[] sum = new double[d];
    long count = 0;
    for (Rkme rkme : rkmes) {
      double[] z = rkme.points().data();
      for (int i = 0; i < z.length; i++) {
        sum[i % d] += z[i];
      }
      count += rkme.size();
    }
    for (int c = 0; c < d; c++) {
      sum[c] /= count;
    }
    return sum;
  }
}
