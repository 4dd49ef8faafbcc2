package io.learnware.market.job;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A unit of work for the workers: see {@code V12__create_job.sql} for the lease rules. */
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
        JobTypes.VALIDATE);
  }

  /** Whether {@code leaseId} is the current lease of a running job. */
  boolean holds(UUID lease) {
    return state == JobState.RUNNING && lease != null && lease.equals(leaseId);
  }
}
