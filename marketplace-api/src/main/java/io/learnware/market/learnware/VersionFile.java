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

/** An extra artifact of a version (e.g. {@code features.pt}), addressed by file name. */
@Entity
@Table(name = "version_file")
public class VersionFile extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "version_id", nullable = false, updatable = false)
  public LearnwareVersion version;

  @Column(nullable = false, updatable = false)
  public String filename;

  @Column(nullable = false, updatable = false, columnDefinition = "bpchar(64)")
  public String sha256;

  @Column(nullable = false, updatable = false)
  public long size;
}
