package io.learnware.client.worker;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A claimed job, as {@code POST /api/v1/worker/claim} answers it. The worker sends {@code leaseId}
 * with every later call (header {@code Lease-Id}); it changes at every claim.
 *
 * @param leaseExpiresAt an ISO-8601 instant, as the market wrote it; heartbeats renew the lease
 * @param attempt 1 at the first claim, more after lost leases and retryable failures
 * @param params the job's parameters as requested (an object); null when the job has none
 * @param dataset the data set the job reads; null when it reads none
 * @param sources for {@code reuse} jobs, the learnwares combined with {@code source}, in order;
 *     null for other types
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Claim(
    String id,
    String leaseId,
    String leaseExpiresAt,
    int attempt,
    String type,
    JsonNode params,
    Source source,
    Dataset dataset,
    List<Source> sources) {

  /**
   * A version the job reads: its spec and where to download its artifacts.
   *
   * @param learnware {@code owner/name@ref} as the job names it
   * @param files its extra artifacts ({@code filename} set); empty when none
   * @param members for a published ensemble, its pinned member versions in the order of its {@code
   *     ensemble.json}; empty for other formats
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Source(
      String learnware, JsonNode spec, Artifact model, List<Artifact> files, List<Source> members) {

    public Source {
      files = files == null ? List.of() : List.copyOf(files);
      members = members == null ? List.of() : List.copyOf(members);
    }
  }

  /**
   * A job input: {@code url} is lease-scoped (relative to the market), and the downloaded bytes
   * must hash to {@code sha256}.
   *
   * @param filename null for a model artifact
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Artifact(String filename, String url, String sha256, long size) {}

  /**
   * A data set for the job.
   *
   * @param name {@code owner/name}
   * @param labels IDX labels; null for a CSV data set
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Dataset(String name, String format, Artifact data, Artifact labels) {}
}
