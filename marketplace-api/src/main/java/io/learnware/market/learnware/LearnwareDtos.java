package io.learnware.market.learnware;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Data transfer objects: the request and response bodies of the learnware endpoints; entities never
 * leave the service layer.
 */
public final class LearnwareDtos {

  private LearnwareDtos() {}

  /** {@code 201} answer to an upload. */
  public record UploadResult(
      String owner,
      String name,
      int version,
      String sha256,
      VersionState state,
      String visibility) {}

  /** One page of a listing; {@code total} counts all matches, {@code page} starts at 0. */
  public record Page<T>(List<T> items, long total, int page, int size) {}

  /**
   * A learnware in a listing, described by its {@code latest} version (or, with a state filter, its
   * newest one).
   */
  public record LearnwareSummary(
      String learnware,
      String owner,
      String name,
      int version,
      VersionState state,
      String title,
      String description,
      String dataType,
      String task,
      String license,
      List<String> tags,
      Instant createdAt,
      String visibility) {}

  /** A learnware with all its versions and aliases ({@code latest} included, when there is one). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LearnwareView(
      String owner,
      String name,
      String visibility,
      Instant createdAt,
      Integer latest,
      Map<String, Integer> aliases,
      List<VersionSummary> versions) {}

  public record VersionSummary(
      int version, VersionState state, String sha256, long size, Instant createdAt) {}

  /**
   * One version in full. {@code spec} is the stored specification document, verbatim.
   *
   * @param validationLog the market's own checks and the verdict, public
   * @param modelError what the model or its engine said when validation failed (untrusted text,
   *     sanitised); only for the owner and admins, absent for everyone else
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record VersionView(
      String learnware,
      String owner,
      String name,
      String visibility,
      int version,
      VersionState state,
      List<String> aliases,
      ArtifactView model,
      List<ArtifactView> files,
      @JsonRawValue String spec,
      String createdBy,
      Instant createdAt,
      String validationLog,
      String modelError,
      Lineage lineage,
      EnsembleView ensemble,
      List<ReportView> reports) {}

  /**
   * What a published ensemble (model format {@code ensemble}) pins, from its {@code ensemble.json}:
   * absent for other formats.
   *
   * @param method {@code mean}, {@code vote} or {@code selector}
   * @param members in the ensemble's order (the selector's candidates)
   */
  public record EnsembleView(String method, String task, List<EnsembleMember> members) {}

  /**
   * @param learnware {@code owner/name@version}
   * @param sha256 the SHA-256 of the member's model artifact that the ensemble pins
   */
  public record EnsembleMember(String learnware, String sha256) {}

  /** Versions this one was derived from, and versions derived from it. */
  public record Lineage(List<LineageEdge> parents, List<LineageEdge> children) {}

  /**
   * @param learnware the other version, {@code owner/name@version}; null when it is a private
   *     learnware the caller may not read (shown as "a private learnware")
   * @param relation e.g. {@code distilled}
   * @param job the job that made the edge; null with a hidden learnware
   * @param visibility of the other learnware
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LineageEdge(String learnware, String relation, UUID job, String visibility) {}

  /** Body of {@code PUT …/visibility}. */
  public record VisibilityRequest(
      @NotNull(message = "is required: public or private") String visibility) {}

  public record VisibilityView(String learnware, String visibility) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ReportView(String type, UUID job, Instant createdAt, @JsonRawValue String report) {}

  /** A stored artifact: the model ({@code format} set) or an extra file ({@code filename} set). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ArtifactView(String filename, String format, String sha256, long size) {}

  public record AliasRequest(
      @NotNull(message = "is required") @Min(value = 1, message = "must be at least 1")
          Integer version) {}

  public record AliasView(String alias, int version) {}

  /**
   * The browse filters of {@code GET /learnwares}; null means "any".
   *
   * @param readable the namespaces whose private learnwares the caller may see (sorted, part of the
   *     cache key); null for all
   */
  public record BrowseQuery(
      String q,
      String dataType,
      String task,
      String license,
      List<String> tags,
      String owner,
      VersionState state,
      int page,
      int size,
      List<String> readable) {}
}
