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
          "learnware.admin-token", ADMIN_TOKEN);
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
