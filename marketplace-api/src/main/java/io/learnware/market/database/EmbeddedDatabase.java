package io.learnware.market.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The default database: a real PostgreSQL started from Maven artifacts, its files under the data
 * directory so that data survives restarts. Used when no external database URL is configured.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts (or restarts, keeping its data) the PostgreSQL whose files live in {@code directory}.
   */
  public static EmbeddedDatabase start(Path directory) throws IOException {
    Files.createDirectories(directory);
    long started = System.nanoTime();
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(directory)
            .setCleanDataDirectory(false)
            .setPort(0)
            .start();
    LOG.infof(
        "Embedded PostgreSQL on port %d, data in %s (started in %d ms)",
        postgres.getPort(), directory, (System.nanoTime() - started) / 1_000_000);
    return new EmbeddedDatabase(postgres);
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  public String username() {
    return "postgres";
  }

  public String password() {
    return "postgres";
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
