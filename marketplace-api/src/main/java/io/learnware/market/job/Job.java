package io.learnware.market.job;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A unit of work for the workers: see {@code V12__create_job.sql} for the lease rules. Its state
 * changes only through its methods below, each from the states docs/jobs.md allows; the callers
 * lock the row and tell the job's listeners ({@link JobEvents.JobChanged}).
 */
@Entity
@Table(name = "job")
public class Job extends PanacheEntityBase {

  @Id public UUID id;

  @Column(nullable = false, updatable = false)
  public String type;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  public JobState state;

  @Column(name = "requested_by", nullable = false, updatable = false)
  public String requestedBy;

  @Column(name = "source_version_id")
  public Long sourceVersionId;

  /** The source as the user named it, resolved to {@code owner/name@version}. */
  @Column(name = "source_ref", nullable = false, updatable = false)
  public String sourceRef;

  /** {@code owner/name} of a data set, or null. */
  @Column(updatable = false)
  public String dataset;

  @Column(name = "target_owner", updatable = false)
  public String targetOwner;

  @Column(name = "target_name", updatable = false)
  public String targetName;

  /** Visibility of the target learnware if this job creates it; null for the default. */
  @Column(name = "target_visibility", updatable = false)
  public String targetVisibility;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false, updatable = false)
  public String params;

  @Column(nullable = false)
  public float progress;

  public String message;

  @Column(nullable = false)
  public int attempts;

  @Column(name = "max_attempts", nullable = false, updatable = false)
  public int maxAttempts;

  @Column(name = "lease_id")
  public UUID leaseId;

  @Column(name = "worker_id")
  public String workerId;

  /** {@code cpu} or {@code gpu} when the requester asked for one (params.device), else null. */
  @Column(name = "requested_device", updatable = false)
  public String requestedDevice;

  /** The claiming worker's device: {@code cpu} or {@code gpu:N}. */
  @Column(name = "worker_device")
  public String workerDevice;

  @Column(name = "lease_expires_at")
  public Instant leaseExpiresAt;

  @Column(name = "result_version_id")
  public Long resultVersionId;

  @JdbcTypeCode(SqlTypes.JSON)
  public String report;

  public String error;

  @Column(name = "created_at", nullable = false, updatable = false)
  public Instant createdAt;

  @Column(name = "started_at")
  public Instant startedAt;

  @Column(name = "finished_at")
  public Instant finishedAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  public static Optional<Job> findByUuid(UUID id) {
    return findByIdOptional(id);
  }

  public static List<Job> listByRequester(String username, int limit) {
    return find("requestedBy = ?1 order by createdAt desc", username).page(0, limit).list();
  }

  /** Jobs {@code username} asked for that wait in the queue; upload validations aside. */
  public static long countQueuedRequests(String username) {
    return count(
        "requestedBy = ?1 and state = ?2 and type <> ?3",
        username,
        JobState.QUEUED,
        ValidateJobType.NAME);
  }

  /** The user's uploads waiting for their validation: validations queued or running. */
  public static long countPendingValidations(String username) {
    return count(
        "requestedBy = ?1 and type = ?2 and state in ?3",
        username,
        ValidateJobType.NAME,
        java.util.List.of(JobState.QUEUED, JobState.RUNNING));
  }

  /** Whether {@code leaseId} is the current lease of a running job. */
  boolean holds(UUID lease) {
    return state == JobState.RUNNING && lease != null && lease.equals(leaseId);
  }

  /** Whether a failed attempt may be retried. */
  boolean attemptsLeft() {
    return attempts < maxAttempts;
  }

  /** A new job enters the queue. */
  void queue() {
    require(null, "queue");
    state = JobState.QUEUED;
    message = "queued";
    createdAt = Instant.now();
    updatedAt = createdAt;
  }

  /**
   * Leases a queued job to {@code worker} for {@code lease}: a fresh lease id, one more attempt.
   */
  void claim(String worker, String device, Duration lease) {
    require(JobState.QUEUED, "claim");
    Instant now = Instant.now();
    state = JobState.RUNNING;
    attempts++;
    leaseId = UUID.randomUUID();
    workerId = worker;
    workerDevice = device;
    leaseExpiresAt = now.plus(lease);
    startedAt = startedAt == null ? now : startedAt;
    message = "running on " + worker + " (" + device + ", attempt " + attempts + ")";
    updatedAt = now;
  }

  /** Returns a claim that never reached its worker to the queue, taking back its attempt. */
  void unclaim() {
    require(JobState.RUNNING, "unclaim");
    attempts--;
    requeue("queued again: the worker went away before it received the job");
    startedAt = attempts == 0 ? null : startedAt;
  }

  /**
   * Renews the lease for {@code lease} from now, with the worker's progress (clamped to [0, 1]) and
   * message, each when given.
   */
  void heartbeat(Double progress, String message, Duration lease) {
    require(JobState.RUNNING, "renew the lease of");
    if (progress != null) {
      this.progress = (float) Math.clamp(progress, 0, 1);
    }
    if (message != null) {
      this.message = message;
    }
    leaseExpiresAt = Instant.now().plus(lease);
    updatedAt = Instant.now();
  }

  /** A running job goes back to the queue, its lease and worker gone. */
  void requeue(String message) {
    require(JobState.RUNNING, "requeue");
    state = JobState.QUEUED;
    this.message = message;
    leaseId = null;
    leaseExpiresAt = null;
    workerId = null;
    updatedAt = Instant.now();
  }

  /** The lease ran out: the job goes back to the queue, or fails after its last attempt. */
  void expire() {
    require(JobState.RUNNING, "expire");
    String lost = "the lease of " + workerId + " expired (attempt " + attempts + ")";
    workerId = null;
    if (attempts >= maxAttempts) {
      fail(lost + "; no attempts left");
    } else {
      requeue(lost + "; queued again");
    }
  }

  /** The result is recorded: the job succeeded with {@code report} and the version it created. */
  void succeed(String report, Long resultVersionId) {
    require(JobState.RUNNING, "complete");
    state = JobState.SUCCEEDED;
    this.report = report;
    this.resultVersionId = resultVersionId;
    progress = 1;
    message = "done";
    endLease();
  }

  void fail(String reason) {
    require(JobState.RUNNING, "fail");
    state = JobState.FAILED;
    error = reason;
    message = "failed";
    endLease();
  }

  /**
   * Ends a queued or running job; a running job's worker learns at its next call, which no longer
   * holds the lease.
   *
   * @return false, changing nothing, when the job had already finished
   */
  boolean cancel(String by) {
    if (state.terminal()) {
      return false;
    }
    state = JobState.CANCELLED;
    message = "cancelled by " + by;
    endLease();
    return true;
  }

  private void endLease() {
    leaseId = null;
    leaseExpiresAt = null;
    finishedAt = Instant.now();
    updatedAt = finishedAt;
  }

  private void require(JobState from, String change) {
    if (state != from) {
      throw new IllegalStateException(
          "cannot " + change + " job " + id + ": it is " + (state == null ? "new" : state));
    }
  }
}
