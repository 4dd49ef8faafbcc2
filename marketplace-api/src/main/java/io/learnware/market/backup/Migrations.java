package io.learnware.market.backup;

import io.learnware.market.database.JdbcTarget;
import java.util.Arrays;
import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Builds the schema a backup was taken from, with this market's own Flyway migrations (those the
 * market runs at start); the market migrates further, if it has newer ones, when it starts.
 */
final class Migrations {

  private static final String LOCATION = "classpath:db/migration";

  private final JdbcTarget target;

  Migrations(JdbcTarget target) {
    this.target = target;
  }

  void migrateTo(String backupVersion, Progress progress) {
    MigrationVersion wanted = MigrationVersion.fromVersion(backupVersion);
    MigrationInfoService info = flyway().load().info();
    MigrationVersion latest =
        Arrays.stream(info.all())
            .filter(migration -> migration.getState().isResolved())
            .map(MigrationInfo::getVersion)
            .filter(Objects::nonNull)
            .max(MigrationVersion::compareTo)
            .orElseThrow(() -> new BackupException("no migrations found in " + LOCATION));
    if (wanted.isNewerThan(latest)) {
      throw new BackupException(
          "the backup's schema version "
              + wanted
              + " is newer than this market's ("
              + latest
              + "): restore it with the market version that made it, or a newer one");
    }
    MigrationInfo current = info.current();
    if (current != null
        && current.getVersion() != null
        && current.getVersion().isNewerThan(wanted)) {
      throw new BackupException(
          "the database already has schema version "
              + current.getVersion()
              + ", newer than the backup's "
              + wanted
              + ": restore needs an empty database");
    }
    progress.say("Creating the schema (Flyway migrations up to version %s)", wanted);
    flyway().target(wanted).load().migrate();
  }

  private FluentConfiguration flyway() {
    return Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(target.url(), target.username(), target.password())
        .locations(LOCATION);
  }
}
