package io.learnware.market.storage;

/**
 * The PostgreSQL advisory lock that keeps blob files on disk while a backup copies them. A backup
 * holds it exclusively for its whole run, from before its snapshot until its last blob is copied;
 * every deletion of a blob file tries to take it shared (transaction-scoped: deletions do not
 * exclude each other) and, when it cannot, leaves the file for a later orphan sweep. So a blob the
 * snapshot refers to is never deleted before it is copied. Two int keys: a key space apart from the
 * blobs' single bigint hash keys.
 */
public final class BackupLock {

  /**
   * Session-scoped, taken by the backup on its own connection; waits for deletions under way and
   * for another backup.
   */
  public static final String HOLD = "SELECT pg_advisory_lock(1819112813, 1)";

  /**
   * Ends {@link #HOLD} at once. Closing the connection ends it too, but its server process does so
   * after the client has moved on.
   */
  public static final String RELEASE = "SELECT pg_advisory_unlock(1819112813, 1)";

  /** Transaction-scoped; false while a backup runs (or waits for its turn). */
  static final String TRY_DELETE = "SELECT pg_try_advisory_xact_lock_shared(1819112813, 1)";

  private BackupLock() {}
}
