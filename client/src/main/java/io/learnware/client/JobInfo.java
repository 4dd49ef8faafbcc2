package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * A job as {@code GET /jobs/{id}} describes it.
 *
 * @param state {@code QUEUED}, {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED} or {@code
 *     CANCELLED}
 * @param progress 0..1
 * @param source {@code owner/name@version} the job runs on
 * @param result what a succeeded job produced; null before
 * @param error why a failed job failed; null otherwise
 * @param device {@code cpu} or {@code gpu} when the job asked for one (params.device), else null
 * @param workerDevice the device of the worker that took it: {@code cpu} or {@code gpu:N}
 * @param createdAt ISO-8601 instants, as the market wrote them
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobInfo(
    String id,
    String type,
    String state,
    double progress,
    String message,
    int attempts,
    String source,
    String dataset,
    String target,
    JsonNode params,
    Result result,
    String error,
    String requestedBy,
    String device,
    String workerDevice,
    String createdAt,
    String startedAt,
    String finishedAt) {

  private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

  /** Whether the job has finished, one way or another: its state changes no more. */
  public boolean finished() {
    return TERMINAL.contains(state);
  }

  public boolean succeeded() {
    return "SUCCEEDED".equals(state);
  }

  /**
   * What a finished job produced.
   *
   * @param learnware the created version, {@code owner/name@version}, when the job made one
   * @param report the job's report (names per job type: see the API contract)
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Result(String learnware, JsonNode report) {}
}
