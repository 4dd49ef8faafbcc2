package io.learnware.market.search;

import io.learnware.market.MarketConfig;
import io.learnware.market.account.Access;
import io.learnware.market.cluster.Notices;
import io.learnware.market.cluster.Topic;
import io.learnware.market.learnware.LearnwareEvents.LearnwareChanged;
import io.learnware.market.learnware.LearnwareEvents.StatisticalSpecRecorded;
import io.learnware.market.learnware.VersionState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.jboss.logging.Logger;

/**
 * The sketches of every learnware's current version that has a statistical specification, in memory
 * and grouped by space, so that a statistical search scans {@link RandomFeatureSketch #DIMENSION}
 * bytes per learnware instead of reading its points. Beside each sketch it holds the version's
 * {@link Facets}, so that filters are tested without reading every matching row.
 *
 * <p>Loaded from {@code version_rkme} at start, kept current by this instance's writes (after they
 * commit) and by other API instances' notices ({@link Notices}); compared with the database when
 * the notice connection is re-established, and every {@code learnware.search.sync-interval} as a
 * safety net. Learnwares are indexed by their current version (the contract's {@code latest}).
 */
@ApplicationScoped
public class StatisticalIndex {

  private static final Logger LOG = Logger.getLogger(StatisticalIndex.class);
  private static final String CURRENT_ROWS =
      """
      SELECT l.id, v.id, v.state, r.space, r.sketch, l.visibility, %s
      FROM learnware l
      JOIN learnware_version v ON v.id = l.current_version_id
      JOIN version_rkme r ON r.version_id = v.id
      """
          .formatted(Facets.COLUMNS);

  /** A candidate from the scan: its estimated MMD² to the query. */
  public record Candidate(long learnwareId, long versionId, double estimatedMmdSquared) {}

  /** Bytes the sketches of {@code count} learnwares take in memory (codes, scale and norm). */
  static long sketchBytes(long count) {
    return count * (RandomFeatureSketch.DIMENSION + Float.BYTES + Double.BYTES);
  }

  /** How many learnwares are indexed, over all spaces. */
  public int size() {
    lock.readLock().lock();
    try {
      return spaceOf.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  private final EntityManager em;
  private final MarketConfig config;
  private final FeatureIndex features;
  private final ScheduledExecutorService syncer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("statistical-index-sync").factory());

  /**
   * learnware id → {current version id, state ordinal, 1 if private}: what the index holds, to
   * compare.
   */
  private final Map<Long, long[]> indexed = new HashMap<>();

  /** learnware id → owner, of the private learnwares only: searches leave out the unreadable. */
  private final Map<Long, String> privateOwners = new ConcurrentHashMap<>();

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, SpaceIndex> spaces = new HashMap<>();

  /** learnware id → space it is indexed in, to move or drop it. */
  private final Map<Long, String> spaceOf = new HashMap<>();

  public StatisticalIndex(EntityManager em, MarketConfig config, FeatureIndex features) {
    this.em = em;
    this.config = config;
    this.features = features;
  }

  void load(@Observes StartupEvent startup) {
    reload();
    warmFeatures();
    long every = config.search().syncInterval().toMillis();
    syncer.scheduleWithFixedDelay(
        () -> {
          try {
            sync();
            retainFeatures();
          } catch (RuntimeException e) {
            LOG.warn("Statistical index sync failed; retrying later", e);
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Computes the search features of every space small enough for certified search, in the
   * background, so that the first searches after a start do not.
   */
  void warmFeatures() {
    smallSpaces().forEach(space -> features.warmLater(space.getKey(), space.getValue()));
  }

  /** Drops the features of versions that left the certified spaces, to bound their memory. */
  void retainFeatures() {
    smallSpaces().forEach(space -> features.retain(space.getKey(), space.getValue()));
  }

  /** The spaces searched with certified bounds, with their usable members. */
  List<Map.Entry<RkmeSpace, List<Candidate>>> smallSpaces() {
    List<Map.Entry<RkmeSpace, List<Candidate>>> small = new ArrayList<>();
    lock.readLock().lock();
    try {
      spaces.forEach(
          (key, index) -> {
            if (index.count(id -> true, StateFilter.USABLE) <= config.search().certifiedUpTo()) {
              small.add(
                  Map.entry(new RkmeSpace(key), index.members(id -> true, StateFilter.USABLE)));
            }
          });
    } finally {
      lock.readLock().unlock();
    }
    return small;
  }

  @PreDestroy
  void stop() {
    syncer.shutdownNow();
  }

  /**
   * Brings the index up to date with the database: compares every learnware's current version and
   * state (a narrow query) with what is indexed, and reloads only what differs.
   *
   * @return how many learnwares changed
   */
  int sync() {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              @SuppressWarnings("unchecked")
              List<Object[]> rows =
                  em.createNativeQuery(
                          "SELECT l.id, v.id, v.state, l.visibility FROM learnware l"
                              + " JOIN learnware_version v ON v.id = l.current_version_id"
                              + " JOIN version_rkme r ON r.version_id = v.id")
                      .getResultList();
              Map<Long, long[]> latest = new HashMap<>();
              for (Object[] row : rows) {
                latest.put(((Number) row[0]).longValue(), indexedKey(row[1], row[2], row[3]));
              }
              List<Long> changed = new ArrayList<>();
              List<Long> gone = new ArrayList<>();
              lock.readLock().lock();
              try {
                latest.forEach(
                    (id, now) -> {
                      if (!Arrays.equals(now, indexed.get(id))) {
                        changed.add(id);
                      }
                    });
                indexed.keySet().stream().filter(id -> !latest.containsKey(id)).forEach(gone::add);
              } finally {
                lock.readLock().unlock();
              }
              if (changed.isEmpty() && gone.isEmpty()) {
                return 0;
              }
              @SuppressWarnings("unchecked")
              List<Object[]> fresh =
                  changed.isEmpty()
                      ? List.of()
                      : em.createNativeQuery(CURRENT_ROWS + " WHERE l.id = ANY(:ids)")
                          .setParameter("ids", changed.toArray(Long[]::new))
                          .getResultList();
              lock.writeLock().lock();
              try {
                gone.forEach(this::remove);
                changed.forEach(this::remove);
                fresh.forEach(this::put);
              } finally {
                lock.writeLock().unlock();
              }
              return changed.size() + gone.size();
            });
  }

  /** Replaces the whole index with what the database holds. */
  void reload() {
    long started = System.nanoTime();
    int count =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  @SuppressWarnings("unchecked")
                  List<Object[]> rows =
                      em.createNativeQuery(CURRENT_ROWS)
                          .setHint("org.hibernate.fetchSize", 1000)
                          .getResultList();
                  lock.writeLock().lock();
                  try {
                    spaces.clear();
                    spaceOf.clear();
                    indexed.clear();
                    privateOwners.clear();
                    rows.forEach(this::put);
                  } finally {
                    lock.writeLock().unlock();
                  }
                  return rows.size();
                });
    LOG.infof(
        "Statistical index: %d learnwares in %d spaces, loaded in %d ms",
        count, spaces.size(), (System.nanoTime() - started) / 1_000_000);
  }

  /** Stores the binary RKME of a version in the transaction that records it. */
  void record(@Observes StatisticalSpecRecorded recorded) {
    VersionRkme.of(recorded.versionId(), recorded.statistical()).persist();
  }

  /** Re-reads a learnware's current version once its change has committed. */
  void refresh(@Observes(during = TransactionPhase.AFTER_SUCCESS) LearnwareChanged changed) {
    refresh(List.of(changed.learnwareId()));
  }

  /** Re-reads the learnwares other instances changed. */
  void refresh(@Observes Notices.Received notices) {
    if (notices.topic() == Topic.LEARNWARE) {
      refresh(notices.keys().stream().map(Long::valueOf).distinct().toList());
    }
  }

  /** Notices may have been lost: compares the whole index with the database. */
  void resync(@Observes Notices.Resync resync) {
    int changed = sync();
    if (changed > 0) {
      LOG.infof(
          "Statistical index: %d learnwares changed while notices were not received", changed);
    }
  }

  private void refresh(Collection<Long> learnwareIds) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              @SuppressWarnings("unchecked")
              List<Object[]> rows =
                  em.createNativeQuery(CURRENT_ROWS + " WHERE l.id = ANY(:ids)")
                      .setParameter("ids", learnwareIds.toArray(Long[]::new))
                      .getResultList();
              lock.writeLock().lock();
              try {
                learnwareIds.forEach(this::remove);
                rows.forEach(this::put);
              } finally {
                lock.writeLock().unlock();
              }
            });
  }

  /** How many learnwares of a space pass {@code accept}. */
  public int count(RkmeSpace space, LongPredicate acceptLearnware, StateFilter states) {
    lock.readLock().lock();
    try {
      SpaceIndex index = spaces.get(space.key());
      return index == null ? 0 : index.count(acceptLearnware, states);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * The {@code limit} learnwares of {@code space} whose sketch is nearest the query's, nearest
   * first. The estimate of MMD² is the squared distance between the sketches: its error shrinks
   * with the distance itself (it is the sketch of the difference of the embeddings), so it is most
   * accurate for the nearest candidates, which matter; to that the held sketch's rounding adds a
   * little (see {@link SpaceIndex}).
   */
  public List<Candidate> nearest(
      RkmeSpace space,
      float[] querySketch,
      LongPredicate acceptLearnware,
      StateFilter states,
      int limit) {
    lock.readLock().lock();
    try {
      SpaceIndex index = spaces.get(space.key());
      return index == null ? List.of() : index.nearest(querySketch, acceptLearnware, states, limit);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Every learnware of {@code space} that passes {@code accept}, unordered, without estimates. */
  public List<Candidate> members(
      RkmeSpace space, LongPredicate acceptLearnware, StateFilter states) {
    lock.readLock().lock();
    try {
      SpaceIndex index = spaces.get(space.key());
      return index == null ? List.of() : index.members(acceptLearnware, states);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Which version states a search accepts. */
  public enum StateFilter {
    /** The default: validated learnwares. */
    USABLE,
    PENDING;

    boolean accepts(byte state) {
      return switch (this) {
        case USABLE -> state == VersionState.USABLE.ordinal();
        case PENDING -> state == VersionState.PENDING.ordinal();
      };
    }
  }

  /**
   * Whether the caller may read each learnware, from the visibility the index holds: private ones
   * of owners outside {@code readable} are left out before anything is compared, without a query
   * per search. (Results are checked against the database again when they are described.)
   */
  public LongPredicate readableBy(Access.Readable readable) {
    if (readable.all()) {
      return id -> true;
    }
    // The few private learnwares hidden from the caller, rather than a lookup per learnware.
    return LearnwareIds.of(
            privateOwners.entrySet().stream()
                .filter(e -> !readable.contains(e.getValue()))
                .mapToLong(Map.Entry::getKey)
                .toArray())
        .complement();
  }

  /**
   * The learnwares of {@code space} whose current version passes {@code filter}, in any state
   * (searches test states themselves) and whoever may read them ({@link #readableBy}).
   */
  LearnwareIds matching(RkmeSpace space, Facets.Filter filter) {
    lock.readLock().lock();
    try {
      SpaceIndex index = spaces.get(space.key());
      return index == null ? LearnwareIds.NONE : index.matching(filter);
    } finally {
      lock.readLock().unlock();
    }
  }

  private static long[] indexedKey(Object versionId, Object state, Object visibility) {
    return new long[] {
      ((Number) versionId).longValue(),
      VersionState.valueOf((String) state).ordinal(),
      "private".equals(visibility) ? 1 : 0
    };
  }

  private void put(Object[] row) {
    long learnwareId = ((Number) row[0]).longValue();
    String space = (String) row[3];
    VersionState state = VersionState.valueOf((String) row[2]);
    indexed.put(learnwareId, indexedKey(row[1], row[2], row[5]));
    if ("private".equals(row[5])) {
      privateOwners.put(learnwareId, (String) row[6]);
    }
    spaces
        .computeIfAbsent(space, unused -> new SpaceIndex())
        .put(
            learnwareId,
            ((Number) row[1]).longValue(),
            (byte) state.ordinal(),
            (byte[]) row[4],
            Facets.of(row, 6));
    spaceOf.put(learnwareId, space);
  }

  private void remove(long learnwareId) {
    indexed.remove(learnwareId);
    privateOwners.remove(learnwareId);
    String space = spaceOf.remove(learnwareId);
    if (space != null) {
      spaces.get(space).remove(learnwareId);
    }
  }

  /**
   * Column arrays for one space. Sketches are stored feature-major ({@code f·capacity + slot}) so
   * that scoring every slot is a sequence of unit-stride multiply-adds the JIT vectorises, rather
   * than one dot-product reduction per slot, which it does not. Removal moves the last entry into
   * the freed slot.
   *
   * <p>Each sketch is held as bytes times one scale per slot ({@code code·scale}, codes in [−127,
   * 127]): a quarter of the memory (256 MB rather than 1 GB at 1,000,000 learnwares) and of the
   * memory traffic of a scan, which is what limits it at scale. The rounding (at most half a step,
   * {@code max|s_f| / 254}, per feature) is part of the estimate's error, which the shortlist's
   * stopping rule measures on the compared candidates like the sketch's own.
   */
  static final class SpaceIndex {
    private static final int D = RandomFeatureSketch.DIMENSION;
    private static final int PARALLEL_THRESHOLD = 20_000;
    private static final int SCAN_PARTS = 4;

    /** Slots scored together: their sums stay in the first-level cache across the features. */
    private static final int BLOCK = 2048;

    private int capacity = 16;
    private long[] learnwareIds = new long[capacity];
    private long[] versionIds = new long[capacity];
    private byte[] states = new byte[capacity];

    /** What filters read of each slot's version, beside it: a filter walks one array. */
    private Facets[] facets = new Facets[capacity];

    /** Squared norms of the sketches as held (the codes times the scale). */
    private double[] norms = new double[capacity];

    private byte[] codes = new byte[capacity * D];
    private float[] scales = new float[capacity];
    private final float[] decoded = new float[D];
    private final Map<Long, Integer> slotOf = new HashMap<>();

    /** The slots' learnwares by owner and by lexeme, so a rare one's filter skips the walk. */
    private final Postings owners = new Postings();

    private final Postings lexemes = new Postings();

    private int size;

    void put(long learnwareId, long versionId, byte state, byte[] sketch, Facets facet) {
      if (size == capacity) {
        grow();
      }
      learnwareIds[size] = learnwareId;
      versionIds[size] = versionId;
      states[size] = state;
      facets[size] = facet;
      VersionRkme.decode(sketch, decoded, 0);
      float largest = 0;
      for (float value : decoded) {
        largest = Math.max(largest, Math.abs(value));
      }
      float scale = largest / 127;
      double sketchNorm = 0;
      for (int f = 0; f < D; f++) {
        int code = scale == 0 ? 0 : Math.round(decoded[f] / scale);
        codes[f * capacity + size] = (byte) code;
        double held = code * scale;
        sketchNorm += held * held;
      }
      scales[size] = scale;
      norms[size] = sketchNorm;
      slotOf.put(learnwareId, size);
      size++;
      owners.add(facet.owner(), learnwareId);
      for (String lexeme : facet.lexemes()) {
        lexemes.add(lexeme, learnwareId);
      }
    }

    private void grow() {
      int larger = capacity * 2;
      byte[] moved = new byte[larger * D];
      for (int f = 0; f < D; f++) {
        System.arraycopy(codes, f * capacity, moved, f * larger, size);
      }
      codes = moved;
      scales = Arrays.copyOf(scales, larger);
      learnwareIds = Arrays.copyOf(learnwareIds, larger);
      versionIds = Arrays.copyOf(versionIds, larger);
      states = Arrays.copyOf(states, larger);
      facets = Arrays.copyOf(facets, larger);
      norms = Arrays.copyOf(norms, larger);
      capacity = larger;
    }

    void remove(long learnwareId) {
      Integer slot = slotOf.remove(learnwareId);
      if (slot == null) {
        return;
      }
      Facets gone = facets[slot];
      int last = --size;
      if (slot != last) {
        learnwareIds[slot] = learnwareIds[last];
        versionIds[slot] = versionIds[last];
        states[slot] = states[last];
        facets[slot] = facets[last];
        norms[slot] = norms[last];
        scales[slot] = scales[last];
        for (int f = 0; f < D; f++) {
          codes[f * capacity + slot] = codes[f * capacity + last];
        }
        slotOf.put(learnwareIds[slot], slot);
      }
      facets[last] = null;
      if (owners.remove(gone.owner(), learnwareId)) {
        owners.relist(gone.owner(), walk(f -> f.owner().equals(gone.owner())));
      }
      for (String lexeme : gone.lexemes()) {
        if (lexemes.remove(lexeme, learnwareId)) {
          TextQuery.Lexeme had = new TextQuery.Lexeme(lexeme);
          lexemes.relist(lexeme, walk(f -> had.matches(f.lexemes())));
        }
      }
    }

    /**
     * The learnwares whose facets pass: the few its owner or text allows, where those are listed,
     * else every slot's.
     */
    LearnwareIds matching(Facets.Filter filter) {
      long[] byOwner = filter.owner() == null ? null : owners.of(filter.owner());
      long[] byText = filter.text() == null ? null : filter.text().candidates(lexemes::of);
      long[] few =
          byOwner == null || byText != null && byText.length < byOwner.length ? byText : byOwner;
      if (few == null) {
        return LearnwareIds.of(walk(filter.passes()));
      }
      int count = 0;
      for (long learnwareId : few) {
        if (filter.passes().test(facets[slotOf.get(learnwareId)])) {
          few[count++] = learnwareId;
        }
      }
      return LearnwareIds.of(Arrays.copyOf(few, count));
    }

    private long[] walk(Predicate<Facets> passes) {
      long[] ids = new long[size];
      int count = 0;
      for (int i = 0; i < size; i++) {
        if (passes.test(facets[i])) {
          ids[count++] = learnwareIds[i];
        }
      }
      return Arrays.copyOf(ids, count);
    }

    int count(LongPredicate accept, StateFilter filter) {
      int count = 0;
      for (int i = 0; i < size; i++) {
        if (filter.accepts(states[i]) && accept.test(learnwareIds[i])) {
          count++;
        }
      }
      return count;
    }

    List<Candidate> members(LongPredicate accept, StateFilter filter) {
      List<Candidate> out = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        if (filter.accepts(states[i]) && accept.test(learnwareIds[i])) {
          out.add(new Candidate(learnwareIds[i], versionIds[i], Double.NaN));
        }
      }
      return out;
    }

    List<Candidate> nearest(float[] query, LongPredicate accept, StateFilter filter, int limit) {
      if (limit <= 0) {
        return List.of();
      }
      double queryNorm = 0;
      for (float value : query) {
        queryNorm += value * value;
      }
      float[] dots = new float[size];
      // Memory-bound at scale (100,000 sketches are 26 MB): both cores stream their own range.
      int parts = size < PARALLEL_THRESHOLD ? 1 : SCAN_PARTS;
      IntStream.range(0, parts)
          .parallel()
          .forEach(
              part -> {
                int from = (int) ((long) size * part / parts);
                int to = (int) ((long) size * (part + 1) / parts);
                float[] sums = new float[BLOCK];
                for (int block = from; block < to; block += BLOCK) {
                  int end = Math.min(to, block + BLOCK);
                  Arrays.fill(sums, 0);
                  for (int f = 0; f < D; f++) {
                    float q = query[f];
                    int base = f * capacity;
                    for (int i = block; i < end; i++) {
                      sums[i - block] += q * codes[base + i];
                    }
                  }
                  for (int i = block; i < end; i++) {
                    dots[i] = sums[i - block] * scales[i];
                  }
                }
              });
      // Max-heap on the estimate, so the worst of the best `limit` is dropped first.
      PriorityQueue<Candidate> best =
          new PriorityQueue<>(
              limit + 1,
              (a, b) -> Double.compare(b.estimatedMmdSquared(), a.estimatedMmdSquared()));
      for (int i = 0; i < size; i++) {
        double estimate = queryNorm + norms[i] - 2 * dots[i];
        if (best.size() == limit && estimate >= best.peek().estimatedMmdSquared()) {
          continue;
        }
        if (!filter.accepts(states[i]) || !accept.test(learnwareIds[i])) {
          continue;
        }
        best.add(new Candidate(learnwareIds[i], versionIds[i], estimate));
        if (best.size() > limit) {
          best.poll();
        }
      }
      List<Candidate> out = new ArrayList<>(best);
      out.sort((a, b) -> Double.compare(a.estimatedMmdSquared(), b.estimatedMmdSquared()));
      return out;
    }
  }
}
