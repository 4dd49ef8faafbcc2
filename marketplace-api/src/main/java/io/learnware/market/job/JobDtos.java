package io.learnware.market.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Data transfer objects: the requests and answers of the job API and the worker protocol. */
public final class JobDtos {

  private JobDtos() {}

  /**
   * {@code POST /jobs}.
   *
   * @param source {@code owner/name@ref} ({@code @latest} when no ref is given)
   * @param dataset {@code owner/name} of one of the caller's data sets
   * @param target {@code owner/name} receiving the result (default: the source's name with a
   *     suffix, in the caller's namespace)
   * @param visibility of the target learnware if the job creates it: {@code public} or {@code
   *     private}; default private when a source is private, else the market's default
   */
  public record JobRequest(
      String type,
      String source,
      String dataset,
      JsonNode params,
      String target,
      String visibility) {}

  /** A job as users see it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record JobView(
      UUID id,
      String type,
      JobState state,
      double progress,
      String message,
      int attempts,
      String source,
      String dataset,
      String target,
      @JsonRawValue String params,
      JobResult result,
      String error,
      String requestedBy,
      String device,
      String workerDevice,
      Instant createdAt,
      Instant startedAt,
      Instant finishedAt) {}

  /** What a finished job produced: a new version, a report, or both. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record JobResult(String learnware, @JsonRawValue String report) {}

  /**
   * {@code POST /worker/claim}: who asks, for which job types, on what device ({@code cpu} or
   * {@code gpu:N}; a worker with several GPUs claims once for each).
   */
  public record ClaimRequest(String workerId, List<String> types, String device) {}

  /**
   * A claimed job. The worker sends {@code leaseId} with every later call (header {@code
   * Lease-Id}); it changes at every claim, so reports from a lost lease are refused.
   *
   * @param sources for {@code reuse} jobs, the learnwares combined with {@code source}, in order;
   *     absent for other types
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ClaimedJob(
      UUID id,
      UUID leaseId,
      Instant leaseExpiresAt,
      int attempt,
      String type,
      @JsonRawValue String params,
      Source source,
      DatasetRef dataset,
      List<Source> sources) {}

  /**
   * A version a job reads: its spec and where to download its artifacts.
   *
   * @param members for a published ensemble (model.format {@code ensemble}), its pinned member
   *     versions in the order of its {@code ensemble.json}, each with its own artifacts; absent for
   *     other formats
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Source(
      String learnware,
      @JsonRawValue String spec,
      Artifact model,
      List<Artifact> files,
      List<Source> members) {}

  /** A downloadable artifact; the worker checks the bytes against {@code sha256}. */
  public record Artifact(String filename, String url, String sha256, long size) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DatasetRef(String name, String format, Artifact data, Artifact labels) {}

  public record Heartbeat(Double progress, String message) {}

  public record Lease(Instant leaseExpiresAt) {}

  /** {@code POST /worker/jobs/{id}/fail}; retryable failures go back to the queue. */
  public record Failure(String error, Boolean retryable) {}
}
