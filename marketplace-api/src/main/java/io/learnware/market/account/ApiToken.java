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
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * An API token of an account. Only the SHA-256 of the secret is kept; the prefix helps people tell
 * tokens apart.
 */
@Entity
@Table(name = "api_token")
public class ApiToken extends PanacheEntityBase {

  @Id public UUID id;

  @Column(nullable = false)
  public String username;

  @Column(nullable = false)
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

  /** Names of {@link Scope}s, lower case. */
  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(nullable = false)
  public String[] scopes;

  /** The only namespaces the token acts in; null for all. */
  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column
  public String[] namespaces;

  /** After this instant the token is refused; null for never. */
  @Column(name = "expires_at")
  public Instant expiresAt;

  /** The user's tokens that have not expired. */
  public static long countActive(String username) {
    return count(
        "username = ?1 and (expiresAt is null or expiresAt > ?2)", username, Instant.now());
  }

  public static Optional<ApiToken> findByHash(byte[] tokenHash) {
    return find("tokenHash", tokenHash).firstResultOptional();
  }

  public static List<ApiToken> listByUsername(String username) {
    return list("username = ?1 order by createdAt", username);
  }

  public static Optional<ApiToken> findByIdAndUsername(UUID id, String username) {
    return find("id = ?1 and username = ?2", id, username).firstResultOptional();
  }
}
