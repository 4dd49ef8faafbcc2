package io.learnware.market.search;

import io.learnware.market.search.StatisticalIndex.Candidate;
import io.learnware.market.search.TaylorFeatures.Features;
import io.learnware.spec.rkme.Rkme;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * The written-out low-degree features ({@link TaylorFeatures}) of the learnwares of spaces that are
 * searched with certified bounds, by version id, in memory (8.6 KB each at d = 64). A version's
 * features are computed once from its stored points (a version's RKME never changes): at start, in
 * the background, for every space small enough ({@link StatisticalIndex} calls {@link #warm});
 * after that a search computes those of new uploads itself.
 */
@ApplicationScoped
public class FeatureIndex {

  private static final Logger LOG = Logger.getLogger(FeatureIndex.class);

  /** Stored points read per query while computing missing features. */
  private static final int BATCH = 500;

  /**
   * The most missing features a search computes itself (about a second of work); with more missing
   * (the start's warming has not reached the space yet) it shortlists by sketch instead.
   */
  static final int INLINE_LIMIT = 2_000;

  private final Map<String, SpaceFeatures> spaces = new ConcurrentHashMap<>();

  /** Given the points read here, so that the first searches find them in memory. */
  private final PointsCache points;

  /** Spaces being warmed, and the thread that warms them one after another. */
  private final Set<String> warming = ConcurrentHashMap.newKeySet();

  private final ExecutorService warmer =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().daemon().name("search-features").factory());

  public FeatureIndex(PointsCache points) {
    this.points = points;
  }

  /** One space's features and the expansion they were computed with. */
  static final class SpaceFeatures {
    final TaylorFeatures taylor;
    final Map<Long, Features> byVersion = new ConcurrentHashMap<>();

    /** Versions the last {@link #retain} found gone from the space; guarded by its lock. */
    private Set<Long> leaving = Set.of();

    SpaceFeatures(TaylorFeatures taylor) {
      this.taylor = taylor;
    }
  }

  /**
   * The features of the candidates' versions, computing the missing ones in the caller's
   * transaction; null when more than {@link #INLINE_LIMIT} are missing, or none could be read. A
   * space's expansion is centered on the mean of the points first read for it.
   */
  SpaceFeatures of(RkmeSpace space, List<Candidate> candidates) {
    List<Long> missing = missing(space, candidates);
    if (missing.size() > INLINE_LIMIT) {
      warmLater(space, candidates);
      return null;
    }
    compute(space, missing);
    return spaces.get(space.key());
  }

  /**
   * Keeps memory bounded: drops the features of versions that are no longer among the space's
   * {@code members} (replaced or deleted). Given every member, not a search's candidates, which a
   * filter or a state may narrow to a few: a search dropping the others' features would leave the
   * next searches to shortlist by sketch while they are computed again.
   */
  synchronized void retain(RkmeSpace space, List<Candidate> members) {
    SpaceFeatures known = spaces.get(space.key());
    if (known == null) {
      return;
    }
    Set<Long> current = new HashSet<>();
    members.forEach(c -> current.add(c.versionId()));
    Set<Long> leaving = new HashSet<>();
    for (Long id : known.byVersion.keySet()) {
      if (!current.contains(id)) {
        leaving.add(id);
      }
    }
    // Dropped by the second call that finds them gone: a search that listed its members before
    // the first may still be reading them.
    for (Long id : known.leaving) {
      if (leaving.remove(id)) {
        known.byVersion.remove(id);
      }
    }
    known.leaving = leaving;
  }

  /**
   * Computes the missing features of {@code candidates} batch by batch, each batch in a transaction
   * of its own, so that searches find them ready.
   *
   * @return how many were computed
   */
  int warm(RkmeSpace space, List<Candidate> candidates) {
    List<Long> missing = missing(space, candidates);
    for (int from = 0; from < missing.size(); from += BATCH) {
      List<Long> batch = missing.subList(from, Math.min(missing.size(), from + BATCH));
      QuarkusTransaction.requiringNew().run(() -> compute(space, batch));
    }
    if (!missing.isEmpty()) {
      LOG.infof("Search features: %d computed for space %s", missing.size(), space.key());
    }
    return missing.size();
  }

  /** {@link #warm} in the background, unless the space is being warmed already. */
  void warmLater(RkmeSpace space, List<Candidate> candidates) {
    if (warming.add(space.key())) {
      warmer.execute(
          () -> {
            try {
              warm(space, candidates);
            } catch (RuntimeException e) {
              LOG.warn("Search features of space " + space.key() + " not computed", e);
            } finally {
              warming.remove(space.key());
            }
          });
    }
  }

  @PreDestroy
  void stop() {
    warmer.shutdownNow();
  }

  private List<Long> missing(RkmeSpace space, List<Candidate> candidates) {
    SpaceFeatures known = spaces.get(space.key());
    List<Long> missing = new ArrayList<>();
    for (Candidate c : candidates) {
      if (known == null || !known.byVersion.containsKey(c.versionId())) {
        missing.add(c.versionId());
      }
    }
    return missing;
  }

  private void compute(RkmeSpace space, List<Long> missing) {
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
              i -> {
                target.byVersion.put(ids.get(i), target.taylor.of(read.get(i), norms.get(i)));
                points.offer(ids.get(i), read.get(i));
              });
    }
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
