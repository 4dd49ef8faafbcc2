package io.learnware.market.learnware;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.LockModeType;
import jakarta.persistence.OneToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import org.hibernate.annotations.CreationTimestamp;
import org.hibernate.annotations.DynamicUpdate;

/**
 * {@code owner/name}: the natural key. Versions hang off it and are numbered by {@link
 * #lastVersion}.
 */
@Entity
@Table(name = "learnware")
// Only changed columns are written: a stale copy can never put back an old last_version.
@DynamicUpdate
public class Learnware extends PanacheEntityBase {

  public static final String PUBLIC = "public";
  public static final String PRIVATE = "private";

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false, updatable = false)
  public String owner;

  @Column(nullable = false, updatable = false)
  public String name;

  /**
   * {@link #PUBLIC} or {@link #PRIVATE}: private ones are seen by readers of the namespace only.
   */
  @Column(nullable = false)
  public String visibility;

  /** The highest version number ever given out; deleted numbers are not reused. */
  @Column(name = "last_version", nullable = false)
  public int lastVersion;

  /**
   * The contract's {@code latest}, kept current by {@link #refreshCurrentVersion()}; null if none.
   */
  @OneToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "current_version_id")
  public LearnwareVersion currentVersion;

  @CreationTimestamp
  @Column(name = "created_at", nullable = false, updatable = false)
  public Instant createdAt;

  public static Optional<Learnware> findByKey(String owner, String name) {
    return find("owner = ?1 and name = ?2", owner, name).firstResultOptional();
  }

  /**
   * The learnware, created with {@code visibility} if needed, locked for the rest of the
   * transaction: concurrent uploads to one learnware queue here, so each gets the next version
   * number exactly once.
   */
  public static Learnware lockOrCreate(String owner, String name, String visibility) {
    getEntityManager()
        .createNativeQuery(
            "INSERT INTO learnware (owner, name, visibility) VALUES (?1, ?2, ?3) ON CONFLICT ON"
                + " CONSTRAINT learnware_owner_name_key DO NOTHING")
        .setParameter(1, owner)
        .setParameter(2, name)
        .setParameter(3, visibility)
        .executeUpdate();
    return find("owner = ?1 and name = ?2", owner, name)
        .withLock(LockModeType.PESSIMISTIC_WRITE)
        .singleResult();
  }

  /**
   * Locks this learnware's row until the transaction ends and reloads it. Every write to a
   * learnware's versions or aliases takes this lock first (uploads through {@link #lockOrCreate}),
   * so concurrent writes queue instead of overwriting each other. Call before changing anything
   * here.
   */
  public void lockForWrite() {
    getEntityManager().refresh(this, LockModeType.PESSIMISTIC_WRITE);
  }

  /**
   * Call after any change to the versions' set or states, so that listings show the right version.
   */
  public void refreshCurrentVersion() {
    getEntityManager().flush();
    currentVersion = LearnwareVersion.findLatest(this).orElse(null);
  }

  public boolean isPrivate() {
    return PRIVATE.equals(visibility);
  }

  public String key() {
    return owner + "/" + name;
  }
}
