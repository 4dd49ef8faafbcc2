package io.learnware.market.learnware;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.account.Caller;
import io.learnware.market.learnware.LearnwareDtos.ArtifactView;
import io.learnware.market.learnware.LearnwareDtos.BrowseQuery;
import io.learnware.market.learnware.LearnwareDtos.EnsembleMember;
import io.learnware.market.learnware.LearnwareDtos.EnsembleView;
import io.learnware.market.learnware.LearnwareDtos.LearnwareSummary;
import io.learnware.market.learnware.LearnwareDtos.LearnwareView;
import io.learnware.market.learnware.LearnwareDtos.Lineage;
import io.learnware.market.learnware.LearnwareDtos.LineageEdge;
import io.learnware.market.learnware.LearnwareDtos.Page;
import io.learnware.market.learnware.LearnwareDtos.ReportView;
import io.learnware.market.learnware.LearnwareDtos.VersionSummary;
import io.learnware.market.learnware.LearnwareDtos.VersionView;
import io.learnware.market.problem.MarketException;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.reuse.EnsembleManifest;
import io.quarkus.cache.CacheResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads of learnwares: browse (one SQL statement, total included), details, versions, artifacts.
 */
@ApplicationScoped
public class LearnwareQueries {

  private final EntityManager em;
  private final EnsemblePins pins;
  private final Caller caller;

  public LearnwareQueries(EntityManager em, EnsemblePins pins, Caller caller) {
    this.em = em;
    this.pins = pins;
    this.caller = caller;
  }

  /**
   * Browse pages are cached: listings are read far more often than learnwares change. Every
   * instance empties the cache when a learnware changes, in it or in another one ({@link
   * LearnwareNotices}); the time limit ({@code learnware.browse.cache-ttl}) is a safety net.
   */
  public static final String BROWSE_CACHE = "learnware-browse";

  /** A version and its stored artifacts, for downloads. */
  public record Artifact(String sha256, long size, String filename) {}

  @Transactional
  public LearnwareView learnware(String owner, String name) {
    Learnware learnware = VersionRefs.readable(caller, owner, name);
    Map<String, Integer> aliases = new LinkedHashMap<>();
    LearnwareVersion.findLatest(learnware)
        .ifPresent(v -> aliases.put(LearnwareService.LATEST, v.version));
    Alias.listByLearnware(learnware).forEach(a -> aliases.put(a.name, a.version.version));
    List<VersionSummary> versions =
        LearnwareVersion.listByLearnware(learnware).stream()
            .map(
                v ->
                    new VersionSummary(v.version, v.state, v.modelSha256, v.modelSize, v.createdAt))
            .toList();
    return new LearnwareView(
        learnware.owner,
        learnware.name,
        learnware.visibility,
        learnware.createdAt,
        aliases.get(LearnwareService.LATEST),
        aliases,
        versions);
  }

  /**
   * @param privileged whether the caller owns the learnware (or is an admin), and so may read the
   *     model's own error text
   */
  @Transactional
  public VersionView version(String owner, String name, String ref, boolean privileged) {
    LearnwareVersion v = VersionRefs.resolveReadable(caller, owner, name, ref);
    List<String> aliases = new ArrayList<>();
    LearnwareVersion.findLatest(v.learnware)
        .filter(latest -> latest.id.equals(v.id))
        .ifPresent(latest -> aliases.add(LearnwareService.LATEST));
    Alias.listByVersion(v).forEach(a -> aliases.add(a.name));
    return new VersionView(
        v.learnware.key() + "@" + v.version,
        v.learnware.owner,
        v.learnware.name,
        v.learnware.visibility,
        v.version,
        v.state,
        aliases,
        new ArtifactView(null, v.modelFormat, v.modelSha256, v.modelSize),
        v.files.stream().map(f -> new ArtifactView(f.filename, null, f.sha256, f.size)).toList(),
        v.spec,
        v.createdBy,
        v.createdAt,
        v.validationLog,
        privileged ? v.modelError : null,
        new Lineage(
            VersionLineage.listParents(v).stream().map(e -> edge(e.parent, e)).toList(),
            VersionLineage.listChildren(v).stream().map(e -> edge(e.version, e)).toList()),
        EnsemblePins.isEnsemble(v) ? ensembleOf(v) : null,
        VersionReport.listByVersion(v).stream()
            .map(r -> new ReportView(r.type, r.jobId, r.createdAt, readableReport(r.report)))
            .toList());
  }

  /**
   * A report as the caller may read it: an evaluation on a data set of a namespace the caller may
   * not read names it "a private data set" (data sets are never public).
   */
  private String readableReport(String report) {
    if (!report.contains("\"dataset\"")) {
      return report;
    }
    try {
      JsonNode tree = SpecDocuments.mapper().readTree(report);
      if (tree.path("data") instanceof ObjectNode data
          && data.path("dataset").isTextual()
          && !caller.canRead(data.get("dataset").textValue().split("/", 2)[0], true)) {
        data.put("dataset", PRIVATE_DATASET);
        return tree.toString();
      }
      return report;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored report is not JSON", e);
    }
  }

  /** How a data set the caller may not read is named in reports. */
  static final String PRIVATE_DATASET = "a private data set";

  private EnsembleView ensembleOf(LearnwareVersion version) {
    EnsembleManifest manifest = pins.of(version);
    return new EnsembleView(
        manifest.method().jsonName(),
        manifest.task().jsonName(),
        manifest.members().stream()
            .map(member -> new EnsembleMember(member.ref(), member.sha256()))
            .toList());
  }

  /** A lineage edge to {@code other}, unnamed when the caller may not read it. */
  private LineageEdge edge(LearnwareVersion other, VersionLineage lineage) {
    Learnware learnware = other.learnware;
    if (!caller.canRead(learnware.owner, learnware.isPrivate())) {
      return new LineageEdge(null, lineage.relation, null, Learnware.PRIVATE);
    }
    return new LineageEdge(
        learnware.key() + "@" + other.version,
        lineage.relation,
        lineage.jobId,
        learnware.visibility);
  }

  @Transactional
  public String spec(String owner, String name, String ref) {
    return VersionRefs.resolveReadable(caller, owner, name, ref).spec;
  }

  /** A version's reference {@code owner/name@version}, spec and model, for packaged downloads. */
  public record Packaged(String ref, String spec, String modelSha256) {}

  @Transactional
  public Packaged packaged(String owner, String name, String ref) {
    LearnwareVersion v = VersionRefs.resolveReadable(caller, owner, name, ref);
    return new Packaged(v.learnware.key() + "@" + v.version, v.spec, v.modelSha256);
  }

  @Transactional
  public Artifact model(String owner, String name, String ref) {
    LearnwareVersion v = VersionRefs.resolveReadable(caller, owner, name, ref);
    return new Artifact(
        v.modelSha256,
        v.modelSize,
        owner + "-" + name + "-v" + v.version + extension(v.modelFormat));
  }

  @Transactional
  public Artifact file(String owner, String name, String ref, String filename) {
    LearnwareVersion v = VersionRefs.resolveReadable(caller, owner, name, ref);
    VersionFile file =
        v.file(filename)
            .orElseThrow(
                () ->
                    new MarketException.NotFound(
                        v.learnware.key() + "@" + v.version + " has no file '" + filename + "'."));
    return new Artifact(file.sha256, file.size, file.filename);
  }

  /**
   * Lists learnwares by their {@code latest} version (newest USABLE, else newest PENDING), or with
   * a state filter by their newest version in that state. Filters apply to that version. The total
   * comes from the same statement.
   */
  @CacheResult(cacheName = BROWSE_CACHE)
  @Transactional
  public Page<LearnwareSummary> browse(BrowseQuery query) {
    Map<String, Object> params = new LinkedHashMap<>();
    List<String> where = new ArrayList<>();
    String rank = "0";
    if (query.q() != null && !query.q().isBlank()) {
      where.add("c.search_vector @@ websearch_to_tsquery('english', :q)");
      rank = "ts_rank_cd(c.search_vector, websearch_to_tsquery('english', :q))";
      params.put("q", query.q());
    }
    addEquals(where, params, "c.data_type", "dataType", query.dataType());
    addEquals(where, params, "c.task", "task", query.task());
    addEquals(where, params, "c.license", "license", query.license());
    addEquals(where, params, "l.owner", "owner", query.owner());
    if (query.tags() != null && !query.tags().isEmpty()) {
      where.add("c.tags @> string_to_array(:tags, ',')");
      params.put("tags", String.join(",", query.tags()));
    }
    if (query.readable() != null) {
      where.add("(l.visibility = 'public' OR l.owner = ANY(CAST(:readable AS text[])))");
      params.put("readable", query.readable().toArray(String[]::new));
    }
    // Without a state filter a learnware is listed by its current version (kept on the learnware);
    // with one, by its newest version in that state.
    String current;
    if (query.state() == null || query.state() == VersionState.USABLE) {
      // By default only validated learnwares are listed, by their current version (the newest
      // USABLE one whenever there is one).
      current =
          "SELECT l.current_version_id AS id FROM learnware l JOIN learnware_version v"
              + " ON v.id = l.current_version_id WHERE v.state = 'USABLE'";
    } else {
      current =
          "SELECT DISTINCT ON (v.learnware_id) v.id FROM learnware_version v WHERE v.state = :state"
              + " ORDER BY v.learnware_id, v.version DESC";
      params.put("state", query.state().name());
    }
    String sql =
        """
        WITH matched AS (
          SELECT l.owner, l.name, c.version, c.state, c.title, c.description, c.data_type, c.task,
                 c.license, c.tags, c.created_at, %s AS rank, c.id, l.visibility
          FROM (%s) cur
          JOIN learnware_version c ON c.id = cur.id
          JOIN learnware l ON l.id = c.learnware_id
          %s
        )
        SELECT t.total, m.owner, m.name, m.version, m.state, m.title, m.description, m.data_type,
               m.task, m.license, m.tags, m.created_at, m.visibility
        FROM (SELECT count(*) AS total FROM matched) t
        LEFT JOIN LATERAL (
          SELECT * FROM matched ORDER BY rank DESC, created_at DESC, id DESC LIMIT :limit OFFSET :offset
        ) m ON true
        """
            .formatted(
                rank, current, where.isEmpty() ? "" : "WHERE " + String.join(" AND ", where));
    Query statement = em.createNativeQuery(sql);
    params.forEach(statement::setParameter);
    statement.setParameter("limit", query.size());
    statement.setParameter("offset", (long) query.page() * query.size());
    @SuppressWarnings("unchecked")
    List<Object[]> rows = statement.getResultList();
    long total = ((Number) rows.getFirst()[0]).longValue();
    List<LearnwareSummary> items =
        rows.stream().filter(row -> row[1] != null).map(LearnwareQueries::summary).toList();
    return new Page<>(items, total, query.page(), query.size());
  }

  private static void addEquals(
      List<String> where, Map<String, Object> params, String column, String name, String value) {
    if (value != null && !value.isBlank()) {
      where.add(column + " = :" + name);
      params.put(name, value);
    }
  }

  private static LearnwareSummary summary(Object[] row) {
    String owner = (String) row[1];
    String name = (String) row[2];
    return new LearnwareSummary(
        owner + "/" + name,
        owner,
        name,
        ((Number) row[3]).intValue(),
        VersionState.valueOf((String) row[4]),
        (String) row[5],
        (String) row[6],
        (String) row[7],
        (String) row[8],
        (String) row[9],
        row[10] instanceof String[] tags ? Arrays.asList(tags) : List.of(),
        instant(row[11]),
        (String) row[12]);
  }

  private static Instant instant(Object value) {
    return switch (value) {
      case Instant i -> i;
      case OffsetDateTime o -> o.toInstant();
      case Timestamp t -> t.toInstant();
      default -> throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    };
  }

  private static String extension(String format) {
    return switch (format) {
      case "torchscript" -> ".pt";
      case "onnx" -> ".onnx";
      case "ensemble" -> "-" + EnsembleManifest.FILE_NAME;
      default -> ".params";
    };
  }
}
