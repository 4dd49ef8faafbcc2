package io.learnware.market;

import io.learnware.market.backup.BackupCommands;
import io.learnware.market.database.EmbeddedDatabase;
import io.learnware.market.database.JdbcTarget;
import io.learnware.market.database.StartupSettings;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the market. With {@code LEARNWARE_DB_URL} set it uses that PostgreSQL; otherwise it first
 * starts the embedded one under the data directory and stops it after the application has stopped.
 * {@code backup DIR} and {@code restore DIR} run instead of the application ({@link
 * BackupCommands}).
 */
@QuarkusMain
public final class MarketMain {

  private MarketMain() {}

  public static void main(String... args) throws Exception {
    StartupSettings settings = StartupSettings.read();
    if (args.length > 0 && BackupCommands.handles(args[0])) {
      System.exit(BackupCommands.run(settings, args));
    }
    if (settings.externalDatabase().isPresent()) {
      JdbcTarget external = settings.externalDatabase().get();
      System.setProperty("quarkus.datasource.jdbc.url", external.url());
      setIfPresent("quarkus.datasource.username", external.username());
      setIfPresent("quarkus.datasource.password", external.password());
      Quarkus.run(args);
      return;
    }
    try (EmbeddedDatabase database = EmbeddedDatabase.start(settings.embeddedDatabaseDirectory())) {
      System.setProperty("quarkus.datasource.jdbc.url", database.jdbcUrl());
      System.setProperty("quarkus.datasource.username", database.username());
      System.setProperty("quarkus.datasource.password", database.password());
      Quarkus.run(args);
    }
  }

  private static void setIfPresent(String property, String value) {
    if (value != null) {
      System.setProperty(property, value);
    }
  }
}
