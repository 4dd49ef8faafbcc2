package io.learnware.market.database;

import io.learnware.market.MarketConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What must be known before Quarkus starts (it reads the same settings again later): the data
 * directory, and the external PostgreSQL when {@code LEARNWARE_DB_URL} names one. Looked up where
 * the config would: system property, then environment variable.
 */
public record StartupSettings(Path dataDir, Optional<JdbcTarget> externalDatabase) {

  public static StartupSettings read() {
    String dataDir = setting("learnware.data-dir", "LEARNWARE_DATA_DIR");
    String url = setting("learnware.db.url", "LEARNWARE_DB_URL");
    return new StartupSettings(
        Path.of(dataDir == null ? MarketConfig.DEFAULT_DATA_DIR : dataDir),
        Optional.ofNullable(url)
            .map(
                u ->
                    new JdbcTarget(
                        u,
                        setting("learnware.db.user", "LEARNWARE_DB_USER"),
                        setting("learnware.db.password", "LEARNWARE_DB_PASSWORD"))));
  }

  /** Where the embedded PostgreSQL keeps its files. */
  public Path embeddedDatabaseDirectory() {
    return dataDir.resolve("postgres");
  }

  private static String setting(String property, String environment) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(environment);
    }
    return value == null || value.isBlank() ? null : value;
  }
}
