package io.learnware.market.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.market.MarketConfig;
import io.learnware.market.account.Access;
import io.learnware.market.account.Caller;
import io.learnware.market.account.Role;
import io.learnware.market.account.Scope;
import io.learnware.market.problem.MarketException;
import io.learnware.market.problem.Problem;
import io.learnware.market.search.ExactScorer.Scored;
import io.learnware.market.search.SearchDtos.Filters;
import io.learnware.market.search.SearchDtos.Match;
import io.learnware.market.search.SearchDtos.MixtureItem;
import io.learnware.market.search.SearchDtos.MixtureView;
import io.learnware.market.search.SearchDtos.SearchRequest;
import io.learnware.market.search.SearchDtos.SearchResult;
import io.learnware.market.search.StatisticalIndex.Candidate;
import io.learnware.market.search.StatisticalIndex.StateFilter;
import io.learnware.spec.DataType;
import io.learnware.spec.RkmeDocuments;
import io.learnware.spec.RkmeSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.Task;
import io.learnware.spec.Violation;
import io.learnware.spec.rkme.Mixture;
import io.learnware.spec.rkme.Mixtures;
import io.learnware.spec.rkme.Rkme;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongPredicate;

/**
 * Finds learnwares by meaning (filters, full text, compatible shapes) and by statistics (MMD
 * between RKMEs), and recommends mixtures.
 *
 * <p>A statistical search compares candidates with the query from their stored points ({@link
 * PointsCache}), fast in float32 and then in double where the order is still open ({@link
 * ExactScorer}): results and scores are those of a full double-precision comparison of the same
 * candidates. In a space of at most {@code learnware.search.certified-up-to} learnwares every one
 * is a candidate, and lower bounds ({@link CertifiedRanking}) prove which need no comparison, so
 * the results are exact. Larger spaces shortlist by sketch first (see {@link StatisticalIndex});
 * only membership in that shortlist is estimated (its recall is measured in {@code bench/}).
 */
@ApplicationScoped
public class SearchService {

  static final int DEFAULT_LIMIT = 10;
  static final int MAX_LIMIT = 100;
  static final int MAX_OFFSET = 10_000;

  /**
   * Candidates compared exactly at first; the shortlist doubles, up to {@link #MAX_SHORTLIST},
   * while the sketch's measured error leaves room for a better one outside it.
   */
  static final int SHORTLIST = 50;

  static final int MAX_SHORTLIST = 800;

  /** The best single matches a mixture is grown from, and its largest size. */
  static final int MIXTURE_POOL = 20;

  static final int MIXTURE_MAX_COMPONENTS = 5;

  /** A component joins the mixture only if it lowers the MMD² by at least this fraction. */
  static final double MIXTURE_MIN_GAIN = 0.05;

  private final EntityManager em;
  private final StatisticalIndex index;
  private final SpecValidator validator;
  private final Caller caller;
  private final PointsCache pointsCache;
  private final FeatureIndex featureIndex;
  private final int certifiedUpTo;

  public SearchService(
      EntityManager em,
      StatisticalIndex index,
      SpecValidator validator,
      Caller caller,
      PointsCache pointsCache,
      FeatureIndex featureIndex,
      MarketConfig config) {
    this.em = em;
    this.index = index;
    this.validator = validator;
    this.caller = caller;
    this.pointsCache = pointsCache;
    this.featureIndex = featureIndex;
    this.certifiedUpTo = config.search().certifiedUpTo();
  }

  @Transactional
  public SearchResult search(SearchRequest request) {
    int limit = request.limit() == null ? DEFAULT_LIMIT : request.limit();
    int offset = request.offset() == null ? 0 : request.offset();
    Filters filters = request.filters() == null ? Filters.NONE : request.filters();
    List<Problem.Violation> violations = new ArrayList<>();
    if (limit < 1 || limit > MAX_LIMIT) {
      violations.add(new Problem.Violation("/limit", "must be between 1 and " + MAX_LIMIT));
    }
    if (offset < 0 || offset > MAX_OFFSET) {
      violations.add(new Problem.Violation("/offset", "must be between 0 and " + MAX_OFFSET));
    }
    StateFilter states = checkFilters(filters, violations);
    Rkme query = null;
    RkmeSpec querySpec = null;
    JsonNode statistical = request.statistical();
    if (statistical != null && !statistical.isNull()) {
      querySpec = statisticalSpec(statistical, violations);
      if (querySpec != null) {
        query = ExactScorer.withSquaredNorm(Rkme.fromSpec(querySpec));
      }
    }
    if (!violations.isEmpty()) {
      throw new MarketException.InvalidInput(
          "The search request is invalid: " + violations.getFirst().message(), violations);
    }
    Access.Readable readable = caller.readable();
    CurrentVersionSql sql = CurrentVersionSql.of(request.q(), filters, states, readable);
    if (query == null) {
      return semantic(sql, limit, offset);
    }
    RkmeSpace space = RkmeSpace.of(querySpec);
    LongPredicate accept = learnwareFilter(space, request.q(), filters, sql, readable);
    return statistical(query, space, accept, readable, states, limit, offset);
  }

  private SearchResult semantic(CurrentVersionSql sql, int limit, int offset) {
    if (sql.filtersBeyondState()) {
      customPlans();
    }
    String rank =
        sql.hasText()
            ? "ts_rank_cd(c.search_vector, websearch_to_tsquery('english', :q), 32)"
            : "1.0";
    String statement =
        """
        WITH matched AS (
          SELECT c.id, l.owner, l.name, %s AS rank
          FROM learnware l JOIN learnware_version c ON c.id = l.current_version_id
          WHERE %s
        )
        SELECT t.total, m.id, m.rank
        FROM (SELECT count(*) AS total FROM matched) t
        LEFT JOIN LATERAL (
          SELECT * FROM matched ORDER BY rank DESC, owner, name LIMIT :limit OFFSET :offset
        ) m ON true
        """
            .formatted(rank, sql.where());
    Query query = sql.bind(em.createNativeQuery(statement));
    query.setParameter("limit", limit);
    query.setParameter("offset", offset);
    @SuppressWarnings("unchecked")
    List<Object[]> rows = query.getResultList();
    long total = ((Number) rows.getFirst()[0]).longValue();
    List<Long> ids = new ArrayList<>();
    Map<Long, Double> scores = new HashMap<>();
    for (Object[] row : rows) {
      if (row[1] != null) {
        long id = ((Number) row[1]).longValue();
        ids.add(id);
        scores.put(id, ((Number) row[2]).doubleValue());
      }
    }
    Map<Long, Match> described = describe(ids, Access.Readable.ALL);
    List<Match> single =
        ids.stream().map(id -> withScore(described.get(id), scores.get(id), null)).toList();
    return new SearchResult(single, null, total, offset, limit);
  }

  private SearchResult statistical(
      Rkme query,
      RkmeSpace space,
      LongPredicate accept,
      Access.Readable readable,
      StateFilter states,
      int limit,
      int offset) {
    int total = index.count(space, accept, states);
    int wanted = offset + limit;
    FeatureIndex.SpaceFeatures features = null;
    List<Candidate> members = null;
    if (total <= certifiedUpTo) {
      members = index.members(space, accept, states);
      features = featureIndex.of(space, members);
    }
    // Without features (a large space, or one the start's warming has not reached) the sketch
    // shortlists.
    List<Scored> scored =
        features != null
            ? certified(query, members, features, wanted)
            : shortlisted(query, space, accept, states, wanted);
    // The results are exact; the mixture's pool beyond them may rest on the float comparison.
    int exactCount = Math.min(wanted, scored.size());
    List<Scored> settled = ExactScorer.settle(query, scored, exactCount);
    List<Scored> pooled =
        settled.subList(0, Math.min(Math.max(wanted, MIXTURE_POOL), settled.size()));
    // The mixture is fitted while the database describes the pool (again, in the rare case that
    // the description leaves one of its members out).
    List<Scored> mixturePool = mixturePool(pooled);
    CompletableFuture<Mixture> fitting =
        CompletableFuture.supplyAsync(() -> fitMixture(query, mixturePool));
    Map<Long, Match> described =
        describe(pooled.stream().map(e -> e.candidate().versionId()).toList(), readable);
    // A version deleted since the index listed it (its points may still be cached), or a learnware
    // made private since, is left out.
    List<Scored> ranked = new ArrayList<>(pooled);
    exactCount -=
        (int)
            ranked.stream()
                .limit(exactCount)
                .filter(e -> !described.containsKey(e.candidate().versionId()))
                .count();
    ranked.removeIf(e -> !described.containsKey(e.candidate().versionId()));
    ranked
        .subList(0, exactCount)
        .sort(
            Comparator.comparingDouble(Scored::mmdSquared)
                .thenComparing(e -> described.get(e.candidate().versionId()).learnware()));
    List<Match> single =
        ranked.stream()
            .skip(offset)
            .limit(limit)
            .map(
                e ->
                    withScore(
                        described.get(e.candidate().versionId()),
                        Rkme.similarity(
                            e.mmdSquared(), query.squaredNorm(), e.points().squaredNorm()),
                        Math.sqrt(e.mmdSquared())))
            .toList();
    List<Scored> visiblePool = mixturePool(ranked);
    Mixture mixture =
        visiblePool.equals(mixturePool) ? joined(fitting) : fitMixture(query, visiblePool);
    return new SearchResult(
        single, mixtureView(query, mixture, visiblePool, described), total, offset, limit);
  }

  /**
   * The best {@link #MIXTURE_POOL} of {@code ranked}, by MMD and then by version id: ties are
   * ordered the same whichever other learnwares the caller may see.
   */
  private static List<Scored> mixturePool(List<Scored> ranked) {
    List<Scored> pool = new ArrayList<>(ranked);
    pool.sort(
        Comparator.comparingDouble(Scored::mmdSquared)
            .thenComparingLong(e -> e.candidate().versionId()));
    return pool.subList(0, Math.min(MIXTURE_POOL, pool.size()));
  }

  /** The greedy mixture of {@code pool}; null with fewer than two candidates. */
  private static Mixture fitMixture(Rkme query, List<Scored> pool) {
    if (pool.size() < 2) {
      return null;
    }
    return Mixtures.greedy(
        query.squaredNorm(),
        pool.stream().mapToDouble(Scored::innerProduct).toArray(),
        ExactScorer.gram(pool),
        MIXTURE_MAX_COMPONENTS,
        MIXTURE_MIN_GAIN);
  }

  private static <T> T joined(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static MixtureView mixtureView(
      Rkme query, Mixture mixture, List<Scored> pool, Map<Long, Match> described) {
    if (mixture == null || mixture.components().length < 2) {
      return null;
    }
    int[] components = mixture.components();
    double[] weights = mixture.weights();
    List<MixtureItem> items = new ArrayList<>();
    for (int i = 0; i < components.length; i++) {
      items.add(
          new MixtureItem(
              described.get(pool.get(components[i]).candidate().versionId()).learnware(),
              weights[i]));
    }
    items.sort(Comparator.comparingDouble(MixtureItem::weight).reversed());
    return new MixtureView(
        items,
        Math.sqrt(mixture.mmdSquared()),
        Rkme.similarity(mixture.mmdSquared(), query.squaredNorm(), mixture.squaredNorm()));
  }

  /** Compares every candidate that could be among the best {@code wanted} (a proof). */
  private List<Scored> certified(
      Rkme query, List<Candidate> members, FeatureIndex.SpaceFeatures features, int wanted) {
    return CertifiedRanking.rank(
            query, members, features, Math.min(wanted, members.size()), pointsCache::get)
        .scored();
  }

  /**
   * Compares the candidates whose sketches are nearest the query's, more of them while the sketch's
   * measured error leaves room for a better one outside ({@link #enough}).
   */
  private List<Scored> shortlisted(
      Rkme query, RkmeSpace space, LongPredicate accept, StateFilter states, int wanted) {
    List<Candidate> candidates =
        index.nearest(
            space,
            RandomFeatureSketch.of(query),
            accept,
            states,
            Math.max(MAX_SHORTLIST, 2 * wanted));
    List<Scored> scored = new ArrayList<>();
    int compared = 0;
    for (int shortlist = Math.max(SHORTLIST, 2 * wanted);
        compared < candidates.size();
        shortlist *= 2) {
      List<Candidate> next = candidates.subList(compared, Math.min(shortlist, candidates.size()));
      scored.addAll(approximate(query, next));
      compared += next.size();
      if (enough(scored, next.getLast(), wanted)) {
        break;
      }
    }
    return scored;
  }

  /** Reads the candidates' points (from the cache when it has them) and compares them fast. */
  private List<Scored> approximate(Rkme query, List<Candidate> candidates) {
    Map<Long, PackedPoints> points =
        pointsCache.get(candidates.stream().map(Candidate::versionId).toList());
    List<ExactScorer.Input> inputs = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      PackedPoints p = points.get(c.versionId());
      if (p != null) {
        inputs.add(new ExactScorer.Input(c, p));
      }
    }
    return ExactScorer.approximate(query, inputs);
  }

  /**
   * The stopping rule of the shortlist: every candidate not compared yet has an estimate at least
   * {@code frontier}'s, so it could beat the {@code wanted}-th compared result only if the sketch
   * under-estimated it by more than the gap. The errors measured on the compared candidates, with a
   * margin of 1.5, stand in for that bound: a calibrated rule, not a proof; bench/search.sh
   * measures the recall it gives. (Spaces of at most {@code certified-up-to} learnwares skip it.)
   */
  private static boolean enough(List<Scored> scored, Candidate frontier, int wanted) {
    if (scored.size() < wanted) {
      return false;
    }
    double largestError = 0;
    double[] distances = new double[scored.size()];
    for (int i = 0; i < distances.length; i++) {
      Scored s = scored.get(i);
      largestError =
          Math.max(
              largestError,
              Math.abs(s.candidate().estimatedMmdSquared() - s.mmdSquared()) + s.error());
      distances[i] = s.upper();
    }
    Arrays.sort(distances);
    return distances[wanted - 1] <= frontier.estimatedMmdSquared() - 1.5 * largestError;
  }

  /**
   * Learnwares passing the semantic filters and visible to the caller. Without filters, the index's
   * record of private learnwares leaves out those the caller may not read, before anything is
   * compared: counts, scores and mixtures are those of a market without them. (The results are
   * checked against the database when they are described.) Filters are tested on the facets the
   * index holds, unless they need what only the database has (robustness reports, phrases).
   */
  private LongPredicate learnwareFilter(
      RkmeSpace space, String q, Filters filters, CurrentVersionSql sql, Access.Readable readable) {
    LongPredicate readableHere = index.readableBy(readable);
    if (!sql.filtersBeyondState()) {
      return readableHere;
    }
    Optional<Facets.Filter> inMemory = facetFilter(q, filters);
    if (inMemory.isPresent()) {
      return index.matching(space, inMemory.get()).and(readableHere);
    }
    customPlans();
    return sql.matchingIds(em);
  }

  /** The filters as a test of facets; empty where the database must test them. */
  private Optional<Facets.Filter> facetFilter(String q, Filters filters) {
    TextQuery text = null;
    if (q != null && !q.isBlank()) {
      Optional<TextQuery> parsed = TextQuery.of(em, q);
      if (parsed.isEmpty()) {
        return Optional.empty();
      }
      text = parsed.get();
    }
    return Facets.filter(filters, text);
  }

  /**
   * Plans the rest of the transaction's queries for their values. After five executions PostgreSQL
   * may keep a generic plan for a prepared statement, and a generic plan cannot tell how many
   * learnwares a text query matches: for one matching all of 10,000 it joined by nested loop, in 15
   * ms, where the plan for the values (a hash join) takes 7 ms (docs/benchmarks.md).
   */
  private void customPlans() {
    em.createNativeQuery("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)")
        .getSingleResult();
  }

  /**
   * Display fields of versions, by id; a private learnware's only when {@code readable} reaches its
   * owner (semantic searches have checked that in their query already).
   */
  private Map<Long, Match> describe(List<Long> versionIds, Access.Readable readable) {
    if (versionIds.isEmpty()) {
      return Map.of();
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                """
                SELECT v.id, l.owner, l.name, v.version, v.title, v.data_type, v.task, v.state,
                       l.visibility
                FROM learnware_version v JOIN learnware l ON l.id = v.learnware_id
                WHERE v.id = ANY(:ids)
                """)
            .setParameter("ids", versionIds.toArray(Long[]::new))
            .getResultList();
    Map<Long, Match> out = new LinkedHashMap<>();
    for (Object[] row : rows) {
      String owner = (String) row[1];
      if ("private".equals(row[8]) && !readable.contains(owner)) {
        continue;
      }
      String name = (String) row[2];
      int version = ((Number) row[3]).intValue();
      out.put(
          ((Number) row[0]).longValue(),
          new Match(
              owner + "/" + name + "@" + version,
              owner,
              name,
              version,
              (String) row[4],
              (String) row[5],
              (String) row[6],
              (String) row[7],
              (String) row[8],
              0,
              null));
    }
    return out;
  }

  private static Match withScore(Match m, double score, Double mmd) {
    return new Match(
        m.learnware(),
        m.owner(),
        m.name(),
        m.version(),
        m.title(),
        m.dataType(),
        m.task(),
        m.state(),
        m.visibility(),
        score,
        mmd);
  }

  private RkmeSpec statisticalSpec(JsonNode statistical, List<Problem.Violation> out) {
    List<Violation> found = validator.validateStatistical(statistical);
    if (!found.isEmpty()) {
      found.forEach(v -> out.add(new Problem.Violation("/statistical" + v.pointer(), v.message())));
      return null;
    }
    try {
      return SpecDocuments.mapper()
          .treeToValue(RkmeDocuments.normalize(statistical), RkmeSpec.class);
    } catch (JsonProcessingException e) {
      out.add(new Problem.Violation("/statistical", "is not a statistical specification"));
      return null;
    }
  }

  private StateFilter checkFilters(Filters filters, List<Problem.Violation> out) {
    if (filters.dataType() != null
        && Arrays.stream(DataType.values())
            .noneMatch(t -> t.jsonName().equals(filters.dataType()))) {
      out.add(
          new Problem.Violation(
              "/filters/dataType",
              "must be one of "
                  + Arrays.stream(DataType.values()).map(DataType::jsonName).toList()));
    }
    if (filters.task() != null
        && Arrays.stream(Task.values()).noneMatch(t -> t.jsonName().equals(filters.task()))) {
      out.add(
          new Problem.Violation(
              "/filters/task",
              "must be one of " + Arrays.stream(Task.values()).map(Task::jsonName).toList()));
    }
    if (filters.robustness() != null) {
      SearchDtos.RobustnessFilter r = filters.robustness();
      if (r.measure() == null || !CurrentVersionSql.ROBUSTNESS_MEASURES.containsKey(r.measure())) {
        out.add(
            new Problem.Violation(
                "/filters/robustness/measure",
                "must be one of "
                    + CurrentVersionSql.ROBUSTNESS_MEASURES.keySet().stream().sorted().toList()));
      } else if (!r.measure().equals("clean") && r.at() == null) {
        out.add(
            new Problem.Violation(
                "/filters/robustness/at", "is required: the σ or ε of " + r.measure()));
      }
      if (r.minAccuracy() == null || !(r.minAccuracy() >= 0 && r.minAccuracy() <= 1)) {
        out.add(
            new Problem.Violation("/filters/robustness/minAccuracy", "must be between 0 and 1"));
      }
    }
    if (filters.state() == null) {
      return StateFilter.USABLE;
    }
    return switch (filters.state()) {
      case "USABLE" -> StateFilter.USABLE;
      case "PENDING" -> {
        // Unvalidated learnwares are their owners' business.
        if (filters.owner() == null) {
          out.add(
              new Problem.Violation(
                  "/filters/owner", "is required with state PENDING (your own username)"));
        } else {
          caller.require(filters.owner(), Role.READ, Scope.READ);
        }
        yield StateFilter.PENDING;
      }
      default -> {
        out.add(
            new Problem.Violation(
                "/filters/state",
                "must be USABLE or PENDING (INVALID learnwares are never returned)"));
        yield StateFilter.USABLE;
      }
    };
  }
}
