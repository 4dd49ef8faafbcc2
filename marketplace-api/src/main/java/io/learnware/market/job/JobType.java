package io.learnware.market.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.account.Caller;
import io.learnware.market.job.JobDtos.JobRequest;
import io.learnware.market.job.JobQueue.CompleteCommand;
import io.learnware.market.learnware.LearnwareVersion;
import io.learnware.market.learnware.VersionState;
import io.learnware.market.problem.MarketException;
import io.learnware.market.problem.Problem;
import io.learnware.spec.Violation;
import java.util.List;

/**
 * What the API knows of one job type: the checks of its requests and what its results record. One
 * {@code @ApplicationScoped} bean per type, found by CDI ({@link JobTypes}); the worker runs the
 * type with its {@code JobHandler}.
 */
public interface JobType {

  /** The type's name in requests, claims and the job table, e.g. {@code distill}. */
  String name();

  /**
   * Checks that {@code source} may be the source of a job of this type: by default a USABLE
   * version.
   */
  default void checkSource(Caller caller, LearnwareVersion source) {
    if (source.state != VersionState.USABLE) {
      throw new MarketException.Conflict(
          source.learnware.key()
              + "@"
              + source.version
              + " is "
              + source.state
              + "; jobs other than validate need a USABLE version.");
    }
  }

  /** What the request must have for this type, checked now rather than by a worker later. */
  default void checkRequest(JobRequest request, LearnwareVersion source) {}

  /**
   * The params the job keeps, after the checks and the quota: by default the request's.
   *
   * @param target whether the request names a target learnware
   */
  default JsonNode params(
      Caller caller, JobRequest request, LearnwareVersion source, boolean target) {
    return request.params();
  }

  /** Whether a job of this type with these (kept) params creates a version. */
  default boolean createsVersion(JsonNode params) {
    return false;
  }

  /** The suffix of a created version's default name, after the source's name. */
  default String targetSuffix() {
    throw new IllegalStateException(name() + " jobs create no version");
  }

  /**
   * The versions a job reads besides its source, in order, each null when it was deleted since the
   * request; empty for most types.
   */
  default List<LearnwareVersion> otherSources(Job job) {
    return List.of();
  }

  /**
   * Whether ending a job of this type writes to its source learnware (a validation's verdict): then
   * every change of the job takes that learnware's lock before the job's.
   */
  default boolean writesSource() {
    return false;
  }

  /**
   * The versions ({@code owner/name@N}) whose learnwares a result creating a version writes to
   * besides its target (lineage, pins); they are locked with the target before the job's row.
   */
  default List<String> resultSources(Job job) {
    return List.of();
  }

  /**
   * Records a worker's result in the job's transaction: the version it creates, the report on its
   * source, a verdict. Throws {@link MarketException} for a result that does not hold, which
   * changes nothing.
   *
   * @param report the report, its strings cleaned; what this records of it, the job keeps
   */
  Completion complete(Job job, ObjectNode report, CompleteCommand result);

  /** What a job that failed (its state already FAILED, with its error) changes besides itself. */
  default void failed(Job job, boolean fromWorker) {}

  /** What a job cancelled by {@code by} changes besides itself. */
  default void cancelled(Job job, String by) {}

  /** What {@link #complete} did. */
  sealed interface Completion {

    /** The result is recorded; {@code versionId} is the version it created, or null. */
    record Recorded(Long versionId) implements Completion {}

    /** The result cannot be recorded for a reason no retry changes: the job fails with it. */
    record Refused(String reason) implements Completion {}
  }

  /** 422 with each schema violation under {@code /report} unless {@code violations} is empty. */
  static void requireValidReport(String what, List<Violation> violations) {
    if (!violations.isEmpty()) {
      throw new MarketException.InvalidInput(
          "The " + what + " report is invalid: " + violations.getFirst().message(),
          violations.stream()
              .map(v -> new Problem.Violation("/report" + v.pointer(), v.message()))
              .toList());
    }
  }
}
