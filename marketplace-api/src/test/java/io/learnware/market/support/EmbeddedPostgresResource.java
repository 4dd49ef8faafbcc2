package io.learnware.market.support;

import io.learnware.market.database.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real, throw-away PostgreSQL and data directory for {@code @QuarkusTest}s, with a known admin
 * token.
 */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

  public static final String ADMIN_TOKEN = "lw_test-admin-token";

  /** The token of the worker token {@code local}, which tests use to act as a worker. */
  public static final String WORKER_TOKEN = "lww_test-worker-token";

  private EmbeddedDatabase database;

  @Override
  public Map<String, String> start() {
    try {
      Path dataDir = Files.createTempDirectory("market-test-");
      database = EmbeddedDatabase.start(dataDir.resolve("postgres"));
      return Map.of(
          "quarkus.datasource.jdbc.url", database.jdbcUrl(),
          "quarkus.datasource.username", database.username(),
          "quarkus.datasource.password", database.password(),
          "learnware.data-dir", dataDir.toString(),
          "learnware.admin-token", ADMIN_TOKEN,
          "learnware.worker-token", WORKER_TOKEN,
          // Test workers ask often; a short wait keeps an empty queue from stalling a test.
          "learnware.jobs.claim-wait", "300MS");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {
    try {
      if (database != null) {
        database.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
