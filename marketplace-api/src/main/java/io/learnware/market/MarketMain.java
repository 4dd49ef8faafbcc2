package io.learnware.market;

import io.learnware.market.database.EmbeddedDatabase;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;

/**
 * Starts the market. With {@code LEARNWARE_DB_URL} set it uses that PostgreSQL; otherwise it first
 * starts the embedded one under the data directory and stops it after the application has stopped.
 */
@QuarkusMain
public final class MarketMain {

  private MarketMain() {}

  public static void main(String... args) throws Exception {
    String externalUrl = setting("learnware.db.url", "LEARNWARE_DB_URL");
    if (externalUrl != null) {
      System.setProperty("quarkus.datasource.jdbc.url", externalUrl);
      copySetting("learnware.db.user", "LEARNWARE_DB_USER", "quarkus.datasource.username");
      copySetting("learnware.db.password", "LEARNWARE_DB_PASSWORD", "quarkus.datasource.password");
      Quarkus.run(args);
      return;
    }
    String dataDir = setting("learnware.data-dir", "LEARNWARE_DATA_DIR");
    Path directory =
        Path.of(dataDir == null ? MarketConfig.DEFAULT_DATA_DIR : dataDir).resolve("postgres");
    try (EmbeddedDatabase database = EmbeddedDatabase.start(directory)) {
      System.setProperty("quarkus.datasource.jdbc.url", database.jdbcUrl());
      System.setProperty("quarkus.datasource.username", database.username());
      System.setProperty("quarkus.datasource.password", database.password());
      Quarkus.run(args);
    }
  }

  /**
   * Runs before Quarkus reads its configuration, so look where the config would: system property,
   * then env.
   */
  private static String setting(String property, String environment) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(environment);
    }
    return value == null || value.isBlank() ? null : value;
  }

  private static void copySetting(String property, String environment, String target) {
    String value = setting(property, environment);
    if (value != null) {
      System.setProperty(target, value);
    }
  }
}
