package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One version of a learnware, as {@code GET /learnwares/{owner}/{name}/versions/{ref}} describes
 * it.
 *
 * @param learnware {@code owner/name@version}
 * @param visibility the learnware's: {@code public} or {@code private}
 * @param model the model artifact ({@code format} set)
 * @param files the extra artifacts ({@code filename} set)
 * @param spec the specification document
 * @param lineage the versions it was made from and those made from it; empty lists when none
 * @param ensemble for a published ensemble, what it pins; null otherwise
 * @param reports validation, the job that made it, its evaluations; empty when none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VersionInfo(
    String learnware,
    String owner,
    String name,
    String visibility,
    int version,
    String state,
    List<String> aliases,
    Artifact model,
    List<Artifact> files,
    JsonNode spec,
    String createdBy,
    String createdAt,
    String validationLog,
    Lineage lineage,
    Ensemble ensemble,
    List<Report> reports) {

  public VersionInfo {
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
    files = files == null ? List.of() : List.copyOf(files);
    lineage = lineage == null ? new Lineage(null, null) : lineage;
    reports = reports == null ? List.of() : List.copyOf(reports);
  }

  /** A stored artifact, addressed by its SHA-256. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Artifact(String filename, String format, String sha256, long size) {}

  /** Parents (what it was made from) and children (what was made from it). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Lineage(List<Edge> parents, List<Edge> children) {
    public Lineage {
      parents = parents == null ? List.of() : List.copyOf(parents);
      children = children == null ? List.of() : List.copyOf(children);
    }
  }

  /**
   * @param learnware the other version, {@code owner/name@version}; null for a private learnware
   *     the caller may not read, which the market does not name
   * @param relation e.g. {@code distilled}, or {@code combined} (an ensemble and its members)
   * @param job the job that made the child, when a job did (and the other side is readable)
   * @param visibility the other learnware's: {@code public} or {@code private}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Edge(String learnware, String relation, String job, String visibility) {

    /** Whether the market hides the other learnware from the caller. */
    public boolean hidden() {
      return learnware == null;
    }
  }

  /**
   * What a published ensemble pins.
   *
   * @param method {@code mean}, {@code vote} or {@code selector}
   * @param task {@code classification} or {@code regression}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Ensemble(String method, String task, List<Member> members) {
    public Ensemble {
      members = members == null ? List.of() : List.copyOf(members);
    }

    /**
     * @param learnware {@code owner/name@version}
     * @param sha256 the member's model artifact, as pinned
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Member(String learnware, String sha256) {}
  }

  /** A report attached to the version: its type (the job's), the job, and the report itself. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Report(String type, String job, String createdAt, JsonNode report) {}
}
