package io.learnware.market.account;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import org.hibernate.annotations.CreationTimestamp;

/** What learnwares and data sets live under: a user's own namespace or an organisation's. */
@Entity
@Table(name = "namespace")
public class Namespace extends PanacheEntityBase {

  public static final String USER = "user";
  public static final String ORGANISATION = "organisation";

  @Id public String name;

  @Column(nullable = false, updatable = false)
  public String kind;

  @CreationTimestamp
  @Column(name = "created_at", nullable = false, updatable = false)
  public Instant createdAt;

  public static Optional<Namespace> findByName(String name) {
    return findByIdOptional(name);
  }

  public boolean isOrganisation() {
    return ORGANISATION.equals(kind);
  }
}
