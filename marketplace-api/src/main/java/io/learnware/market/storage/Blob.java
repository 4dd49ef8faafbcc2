package io.learnware.market.storage;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import org.hibernate.annotations.CreationTimestamp;

/**
 * One stored artifact; {@code refs} counts the rows that point at it, so the last release deletes
 * it.
 */
@Entity
@Table(name = "blob")
public class Blob extends PanacheEntityBase {

  @Id
  @Column(columnDefinition = "bpchar(64)")
  public String sha256;

  @Column(nullable = false)
  public long size;

  @Column(nullable = false)
  public int refs;

  @CreationTimestamp
  @Column(name = "created_at", nullable = false, updatable = false)
  public Instant createdAt;

  public static Optional<Blob> findBySha256(String sha256) {
    return findByIdOptional(sha256);
  }
}
