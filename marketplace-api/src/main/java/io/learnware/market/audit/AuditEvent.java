package io.learnware.market.audit;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One entry of a namespace's audit log. */
@Entity
@Table(name = "audit_event")
public class AuditEvent extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false, updatable = false)
  public Instant at;

  @Column(nullable = false, updatable = false)
  public String actor;

  @Column(nullable = false, updatable = false)
  public String namespace;

  @Column(updatable = false)
  public String learnware;

  @Column(nullable = false, updatable = false)
  public String action;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false, updatable = false)
  public String detail;

  /** Newest first; {@code before} (an id) pages back, null for the newest. */
  public static List<AuditEvent> listByNamespace(
      String namespace, String learnware, Long before, int limit) {
    StringBuilder query = new StringBuilder("namespace = :namespace");
    var params = new java.util.HashMap<String, Object>();
    params.put("namespace", namespace);
    if (learnware != null) {
      query.append(" and learnware = :learnware");
      params.put("learnware", learnware);
    }
    if (before != null) {
      query.append(" and id < :before");
      params.put("before", before);
    }
    return find(query + " order by id desc", params).page(0, limit).list();
  }
}
