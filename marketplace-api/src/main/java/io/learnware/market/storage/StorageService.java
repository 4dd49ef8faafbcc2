package io.learnware.market.storage;

import io.learnware.market.MarketConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Keeps the {@code blob} table and the {@link BlobStore} in step, inside the caller's transaction.
 *
 * <p>Every change to a blob's row happens under a PostgreSQL advisory lock on its hash, held to the
 * end of the transaction. After the transaction ends, each touched blob whose row is gone
 * (released, or never committed) has its bytes deleted under the same lock. So a rolled-back upload
 * leaves no orphan file, and a file is never deleted while a concurrent transaction is committing a
 * reference to it. No file is deleted while a backup runs ({@link BackupLock}); what that leaves,
 * and what a crash between a commit and its sweep leaves, the orphan sweep removes: at startup and
 * then every {@code learnware.storage.orphan-sweep-interval}.
 */
@ApplicationScoped
public class StorageService {

  private static final Logger LOG = Logger.getLogger(StorageService.class);
  private static final int ORPHAN_BATCH = 1000;

  private final EntityManager em;
  private final BlobStore store;
  private final TransactionSynchronizationRegistry transactions;
  private final MarketConfig config;
  private final ScheduledExecutorService orphanSweeper =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("blob-orphan-sweep").factory());

  public StorageService(
      EntityManager em,
      BlobStore store,
      TransactionSynchronizationRegistry transactions,
      MarketConfig config) {
    this.em = em;
    this.store = store;
    this.transactions = transactions;
    this.config = config;
  }

  void scheduleOrphanSweep(@Observes StartupEvent startup) {
    long every = config.storage().orphanSweepInterval().toMillis();
    orphanSweeper.scheduleWithFixedDelay(
        () -> {
          try {
            sweepOrphans();
          } catch (IOException | RuntimeException e) {
            LOG.warn("Orphan blob sweep failed; retrying later", e);
          }
        },
        0,
        every,
        TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() {
    orphanSweeper.shutdownNow();
  }

  /** Stores the staged file (moved into the store) and counts one more reference to it. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void acquire(StagedFile staged) {
    String sha256 = staged.sha256();
    long size = staged.size();
    lock(sha256);
    em.createNativeQuery(
            "INSERT INTO blob (sha256, size, refs) VALUES (?1, ?2, 1)"
                + " ON CONFLICT (sha256) DO UPDATE SET refs = blob.refs + 1")
        .setParameter(1, sha256)
        .setParameter(2, size)
        .executeUpdate();
    sweeps().onRollback.add(sha256);
    try {
      store.put(staged);
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
        if (deleteIfUnreferenced(sha256) == Swept.BACKUP_RUNNING) {
          LOG.debugf("Blob %s kept while a backup runs; the orphan sweep removes it later", sha256);
        }
      } catch (RuntimeException e) {
        // Unreferenced bytes on disk are harmless; losing referenced ones is not, so only log here.
        LOG.warnf(e, "Could not sweep blob %s", sha256);
      }
    }
  }

  /**
   * Deletes every stored file that no row refers to: bytes kept while a backup ran, or left by a
   * crash between a commit and its sweep. Stops early while a backup runs.
   *
   * @return how many files were deleted
   */
  int sweepOrphans() throws IOException {
    store.removeAbandonedUploads();
    int deleted = 0;
    try (Stream<String> hashes = store.hashes()) {
      Iterator<String> stored = hashes.iterator();
      while (stored.hasNext()) {
        List<String> batch = new ArrayList<>(ORPHAN_BATCH);
        while (stored.hasNext() && batch.size() < ORPHAN_BATCH) {
          batch.add(stored.next());
        }
        // Most files have a row: find the candidates in bulk, then check each under its lock.
        for (String candidate : withoutRows(batch)) {
          Swept swept = deleteIfUnreferenced(candidate);
          if (swept == Swept.BACKUP_RUNNING) {
            LOG.info("A backup is running: orphan blob sweep postponed");
            return deleted;
          }
          deleted += swept == Swept.DELETED ? 1 : 0;
        }
      }
    }
    if (deleted > 0) {
      LOG.infof("Orphan blob sweep deleted %d file(s) that no row referred to", deleted);
    }
    return deleted;
  }

  private List<String> withoutRows(List<String> hashes) {
    Set<String> missing = new LinkedHashSet<>(hashes);
    QuarkusTransaction.requiringNew()
        .call(
            () ->
                em.createNativeQuery(
                        "SELECT CAST(sha256 AS text) FROM blob WHERE sha256 IN (:hashes)")
                    .setParameter("hashes", hashes)
                    .getResultList())
        .forEach(missing::remove);
    return List.copyOf(missing);
  }

  private enum Swept {
    DELETED,
    REFERENCED,
    BACKUP_RUNNING
  }

  /** Under the blob's lock, and only while no backup runs: deletes its file if no row remains. */
  private Swept deleteIfUnreferenced(String sha256) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              lock(sha256);
              if (!(Boolean) em.createNativeQuery(BackupLock.TRY_DELETE).getSingleResult()) {
                return Swept.BACKUP_RUNNING;
              }
              boolean referenced =
                  !em.createNativeQuery("SELECT 1 FROM blob WHERE sha256 = ?1")
                      .setParameter(1, sha256)
                      .getResultList()
                      .isEmpty();
              if (referenced) {
                return Swept.REFERENCED;
              }
              store.delete(sha256);
              return Swept.DELETED;
            });
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
