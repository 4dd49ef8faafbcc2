package io.learnware.market.learnware;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.List;
import java.util.UUID;

/** One edge of a version's lineage: it was derived from {@code parent} (by job {@code jobId}). */
@Entity
@Table(name = "version_lineage")
@IdClass(VersionLineage.Key.class)
public class VersionLineage extends PanacheEntityBase {

  /** The composite key: a version has each parent once. */
  public record Key(Long version, Long parent) implements Serializable {
    public Key() {
      this(null, null);
    }
  }

  @Id
  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "version_id")
  public LearnwareVersion version;

  @Id
  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "parent_version_id")
  public LearnwareVersion parent;

  @Column(nullable = false)
  public String relation;

  @Column(name = "job_id")
  public UUID jobId;

  public static List<VersionLineage> listParents(LearnwareVersion version) {
    return list("version", version);
  }

  public static List<VersionLineage> listChildren(LearnwareVersion version) {
    return list("parent", version);
  }
}
