package io.learnware.market.learnware;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hibernate.annotations.CreationTimestamp;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One immutable version of a learnware: its specification (as validated and normalised), the model
 * artifact and extra files. Semantic fields are copied out of the spec so that browsing can filter
 * on indexed columns.
 */
@Entity
@Table(name = "learnware_version")
public class LearnwareVersion extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "learnware_id", nullable = false, updatable = false)
  public Learnware learnware;

  @Column(nullable = false, updatable = false)
  public int version;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  public VersionState state;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false, updatable = false)
  public String spec;

  @Column(name = "spec_version", nullable = false, updatable = false)
  public int specVersion;

  @Column(nullable = false, updatable = false)
  public String title;

  @Column(nullable = false, updatable = false)
  public String description;

  @Column(name = "data_type", nullable = false, updatable = false)
  public String dataType;

  @Column(nullable = false, updatable = false)
  public String task;

  @Column(nullable = false, updatable = false)
  public String license;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(nullable = false, updatable = false)
  public String[] tags;

  /** Input and output shapes from the spec, for compatibility filters; null where not given. */
  @Column(name = "input_dimension", updatable = false)
  public Integer inputDimension;

  @Column(name = "input_channels", updatable = false)
  public Integer inputChannels;

  @Column(name = "input_height", updatable = false)
  public Integer inputHeight;

  @Column(name = "input_width", updatable = false)
  public Integer inputWidth;

  @Column(name = "output_dimension", updatable = false)
  public Integer outputDimension;

  @Column(name = "model_format", nullable = false, updatable = false)
  public String modelFormat;

  @Column(
      name = "model_sha256",
      nullable = false,
      updatable = false,
      columnDefinition = "bpchar(64)")
  public String modelSha256;

  @Column(name = "model_size", nullable = false, updatable = false)
  public long modelSize;

  @Column(name = "created_by", nullable = false, updatable = false)
  public String createdBy;

  @CreationTimestamp
  @Column(name = "created_at", nullable = false, updatable = false)
  public Instant createdAt;

  @Column(name = "validation_log")
  public String validationLog;

  /** The model's or its engine's own error text from validation: shown to the owner only. */
  @Column(name = "model_error")
  public String modelError;

  @OneToMany(mappedBy = "version", cascade = CascadeType.ALL, orphanRemoval = true)
  @OrderBy("filename")
  public List<VersionFile> files = new ArrayList<>();

  public static Optional<LearnwareVersion> findByNumber(Learnware learnware, int version) {
    return find("learnware = ?1 and version = ?2", learnware, version).firstResultOptional();
  }

  /**
   * The contract's {@code latest}: the newest USABLE version, or the newest PENDING one while none
   * is usable.
   */
  public static Optional<LearnwareVersion> findLatest(Learnware learnware) {
    return find(
            "learnware = ?1 and state in ?2 order by case when state = ?3 then 0 else 1 end, version desc",
            learnware,
            List.of(VersionState.USABLE, VersionState.PENDING),
            VersionState.USABLE)
        .firstResultOptional();
  }

  public static List<LearnwareVersion> listByLearnware(Learnware learnware) {
    return list("learnware = ?1 order by version", learnware);
  }

  public Optional<VersionFile> file(String filename) {
    return files.stream().filter(f -> f.filename.equals(filename)).findFirst();
  }
}
