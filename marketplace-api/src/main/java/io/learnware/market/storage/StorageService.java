package io.learnware.market.storage;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Keeps the {@code blob} table and the {@link BlobStore} in step, inside the caller's transaction.
 *
 * <p>Every change to a blob's row happens under a PostgreSQL advisory lock on its hash, held to the
 * end of the transaction. After the transaction ends, each touched blob whose row is gone
 * (released, or never committed) has its bytes deleted under the same lock. So a rolled-back upload
 * leaves no orphan file, and a file is never deleted while a concurrent transaction is committing a
 * reference to it.
 */
@ApplicationScoped
public class StorageService {

  private static final Logger LOG = Logger.getLogger(StorageService.class);

  private final EntityManager em;
  private final BlobStore store;
  private final TransactionSynchronizationRegistry transactions;

  public StorageService(
      EntityManager em, BlobStore store, TransactionSynchronizationRegistry transactions) {
    this.em = em;
    this.store = store;
    this.transactions = transactions;
  }

  /** Stores {@code file} (moved into the store) and counts one more reference to it. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void acquire(String sha256, long size, Path file) {
    lock(sha256);
    em.createNativeQuery(
            "INSERT INTO blob (sha256, size, refs) VALUES (?1, ?2, 1)"
                + " ON CONFLICT (sha256) DO UPDATE SET refs = blob.refs + 1")
        .setParameter(1, sha256)
        .setParameter(2, size)
        .executeUpdate();
    sweeps().onRollback.add(sha256);
    try {
      store.put(sha256, file);
    } catch (IOException e) {
      throw new UncheckedIOException("could not store blob " + sha256, e);
    }
  }

  /** Counts one reference less; the last release deletes the blob once the transaction commits. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void release(String sha256) {
    lock(sha256);
    em.createNativeQuery("UPDATE blob SET refs = refs - 1 WHERE sha256 = ?1")
        .setParameter(1, sha256)
        .executeUpdate();
    em.createNativeQuery("DELETE FROM blob WHERE sha256 = ?1 AND refs = 0")
        .setParameter(1, sha256)
        .executeUpdate();
    sweeps().onCommit.add(sha256);
  }

  private void lock(String sha256) {
    em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))")
        .setParameter(1, sha256)
        .getSingleResult();
  }

  /** The sweep of the current transaction, registered with it on first use. */
  private Sweep sweeps() {
    Sweep sweep = (Sweep) transactions.getResource(Sweep.class);
    if (sweep == null) {
      sweep = new Sweep();
      transactions.putResource(Sweep.class, sweep);
      transactions.registerInterposedSynchronization(sweep);
    }
    return sweep;
  }

  /** Deletes the bytes of blobs that no committed row refers to. */
  void sweep(Set<String> hashes) {
    for (String sha256 : hashes) {
      try {
        QuarkusTransaction.requiringNew()
            .run(
                () -> {
                  lock(sha256);
                  boolean referenced =
                      !em.createNativeQuery("SELECT 1 FROM blob WHERE sha256 = ?1")
                          .setParameter(1, sha256)
                          .getResultList()
                          .isEmpty();
                  if (!referenced) {
                    try {
                      store.delete(sha256);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  }
                });
      } catch (RuntimeException e) {
        // Unreferenced bytes on disk are harmless; losing referenced ones is not, so only log here.
        LOG.warnf(e, "Could not sweep blob %s", sha256);
      }
    }
  }

  /**
   * Acquired blobs need a sweep only if their row was rolled back, released ones only if it was
   * deleted.
   */
  private final class Sweep implements Synchronization {
    final Set<String> onRollback = new LinkedHashSet<>();
    final Set<String> onCommit = new LinkedHashSet<>();

    @Override
    public void beforeCompletion() {}

    @Override
    public void afterCompletion(int status) {
      if (status == Status.STATUS_COMMITTED) {
        sweep(onCommit);
      } else if (status == Status.STATUS_ROLLEDBACK) {
        sweep(onRollback);
      }
    }
  }
}
