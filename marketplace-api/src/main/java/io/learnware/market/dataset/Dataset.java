package io.learnware.market.dataset;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import org.hibernate.annotations.CreationTimestamp;

/** A private data set for jobs: a CSV with a header, or IDX images with optional IDX labels. */
@Entity
@Table(name = "dataset")
public class Dataset extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false, updatable = false)
  public String owner;

  @Column(nullable = false, updatable = false)
  public String name;

  /** {@code csv} or {@code idx}. */
  @Column(nullable = false, updatable = false)
  public String format;

  @Column(
      name = "data_sha256",
      nullable = false,
      updatable = false,
      columnDefinition = "bpchar(64)")
  public String dataSha256;

  @Column(name = "data_size", nullable = false, updatable = false)
  public long dataSize;

  @Column(name = "labels_sha256", updatable = false, columnDefinition = "bpchar(64)")
  public String labelsSha256;

  @Column(name = "labels_size", updatable = false)
  public Long labelsSize;

  @CreationTimestamp
  @Column(name = "created_at", nullable = false, updatable = false)
  public Instant createdAt;

  public static Optional<Dataset> findByKey(String owner, String name) {
    return find("owner = ?1 and name = ?2", owner, name).firstResultOptional();
  }

  public String key() {
    return owner + "/" + name;
  }
}
