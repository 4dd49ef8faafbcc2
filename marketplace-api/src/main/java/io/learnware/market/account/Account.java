package io.learnware.market.account;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import org.hibernate.annotations.CreationTimestamp;

/** A user; the username is the natural key and the namespace its learnwares live under. */
@Entity
@Table(name = "account")
public class Account extends PanacheEntityBase {

  @Id public String username;

  @Column(nullable = false)
  public boolean admin;

  @CreationTimestamp
  @Column(name = "created_at", nullable = false, updatable = false)
  public Instant createdAt;

  public static Optional<Account> findByUsername(String username) {
    return findByIdOptional(username);
  }
}
