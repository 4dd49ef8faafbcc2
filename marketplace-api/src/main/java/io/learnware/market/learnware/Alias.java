package io.learnware.market.learnware;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hibernate.annotations.UpdateTimestamp;

/** A movable name for a version of a learnware, e.g. {@code prod}. */
@Entity
@Table(name = "alias")
public class Alias extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "learnware_id", nullable = false, updatable = false)
  public Learnware learnware;

  @Column(nullable = false, updatable = false)
  public String name;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "version_id", nullable = false)
  public LearnwareVersion version;

  @UpdateTimestamp
  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  public static Optional<Alias> findByName(Learnware learnware, String name) {
    return find("learnware = ?1 and name = ?2", learnware, name).firstResultOptional();
  }

  public static List<Alias> listByLearnware(Learnware learnware) {
    return list("learnware = ?1 order by name", learnware);
  }

  public static List<Alias> listByVersion(LearnwareVersion version) {
    return list("version = ?1 order by name", version);
  }
}
