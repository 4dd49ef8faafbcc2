package io.learnware.market.account;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hibernate.annotations.CreationTimestamp;

/** A user's role in a namespace. */
@Entity
@Table(name = "namespace_member")
@IdClass(NamespaceMember.Key.class)
public class NamespaceMember extends PanacheEntityBase {

  @Id public String namespace;

  @Id public String username;

  @Column(nullable = false)
  public String role;

  @CreationTimestamp
  @Column(name = "created_at", nullable = false, updatable = false)
  public Instant createdAt;

  public Role role() {
    return Role.valueOf(role.toUpperCase(java.util.Locale.ROOT));
  }

  public static Optional<NamespaceMember> findMember(String namespace, String username) {
    return find("namespace = ?1 and username = ?2", namespace, username).firstResultOptional();
  }

  public static List<NamespaceMember> listByNamespace(String namespace) {
    return list("namespace = ?1 order by username", namespace);
  }

  /** The members, locked: changes to one namespace's members queue, so the last admin stays. */
  public static List<NamespaceMember> lockByNamespace(String namespace) {
    return find("namespace = ?1 order by username", namespace)
        .withLock(LockModeType.PESSIMISTIC_WRITE)
        .list();
  }

  public static List<NamespaceMember> listByUsername(String username) {
    return list("username = ?1 order by namespace", username);
  }

  /** The composite key. */
  public static class Key implements Serializable {
    public String namespace;
    public String username;

    @Override
    public boolean equals(Object other) {
      return other instanceof Key key
          && Objects.equals(namespace, key.namespace)
          && Objects.equals(username, key.username);
    }

    @Override
    public int hashCode() {
      return Objects.hash(namespace, username);
    }
  }
}
