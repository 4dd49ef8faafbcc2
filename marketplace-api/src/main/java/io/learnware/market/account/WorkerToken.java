package io.learnware.market.account;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.annotations.CreationTimestamp;

/** A worker node's credential: it may claim and report jobs, nothing a user may do. */
@Entity
@Table(name = "worker_token")
public class WorkerToken extends PanacheEntityBase {

  @Id public UUID id;

  @Column(nullable = false, unique = true)
  public String name;

  @Column(name = "token_hash", nullable = false, unique = true)
  public byte[] tokenHash;

  @Column(nullable = false)
  public String prefix;

  @CreationTimestamp
  @Column(name = "created_at", nullable = false, updatable = false)
  public Instant createdAt;

  @Column(name = "last_used_at")
  public Instant lastUsedAt;

  public static Optional<WorkerToken> findByHash(byte[] tokenHash) {
    return find("tokenHash", tokenHash).firstResultOptional();
  }

  public static Optional<WorkerToken> findByName(String name) {
    return find("name", name).firstResultOptional();
  }

  public static List<WorkerToken> listAll() {
    return list("order by name");
  }
}
