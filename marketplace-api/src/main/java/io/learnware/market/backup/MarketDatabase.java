package io.learnware.market.backup;

import io.learnware.market.database.EmbeddedDatabase;
import io.learnware.market.database.JdbcTarget;
import io.learnware.market.database.StartupSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The database a backup reads or a restore fills: the external PostgreSQL {@code LEARNWARE_DB_URL}
 * names, else the embedded one under the data directory, the running market's if it runs, or one
 * started here (and stopped at {@link #close}).
 */
final class MarketDatabase implements AutoCloseable {

  private final JdbcTarget target;
  private final EmbeddedDatabase started;

  private MarketDatabase(JdbcTarget target, EmbeddedDatabase started) {
    this.target = target;
    this.started = started;
  }

  static MarketDatabase forBackup(StartupSettings settings, Progress progress) throws IOException {
    if (settings.externalDatabase().isPresent()) {
      return new MarketDatabase(settings.externalDatabase().get(), null);
    }
    Path directory = settings.embeddedDatabaseDirectory();
    Optional<JdbcTarget> running = EmbeddedDatabase.running(directory);
    if (running.isPresent()) {
      progress.say("Reading the running market's database in %s", directory);
      return new MarketDatabase(running.get(), null);
    }
    if (!Files.isDirectory(directory)) {
      throw new BackupException(
          "no database in "
              + directory
              + ": nothing to back up (is LEARNWARE_DATA_DIR or --data-dir right?)");
    }
    progress.say("The market is not running: starting its database in %s", directory);
    return started(directory);
  }

  /** The restore has checked that the data directory is empty: the embedded database is new. */
  static MarketDatabase forRestore(StartupSettings settings, Progress progress) throws IOException {
    if (settings.externalDatabase().isPresent()) {
      progress.say("Restoring into the database at %s", settings.externalDatabase().get());
      return new MarketDatabase(settings.externalDatabase().get(), null);
    }
    progress.say("Creating a database in %s", settings.embeddedDatabaseDirectory());
    return started(settings.embeddedDatabaseDirectory());
  }

  private static MarketDatabase started(Path directory) throws IOException {
    EmbeddedDatabase database = EmbeddedDatabase.start(directory);
    return new MarketDatabase(database.target(), database);
  }

  JdbcTarget target() {
    return target;
  }

  @Override
  public void close() throws IOException {
    if (started != null) {
      started.close();
    }
  }
}
