package io.learnware.market.backup;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Loads a backup's table dumps into the freshly migrated, empty schema, in one transaction: all of
 * it or nothing. Foreign keys are dropped for the load (the tables refer to each other in a cycle)
 * and added back afterwards, which checks every reference; sequences get their dumped state back.
 */
final class TableLoad {

  private final Connection connection;
  private final SchemaCatalog catalog;
  private final Progress progress;

  TableLoad(Connection connection, Progress progress) {
    this.connection = connection;
    this.catalog = new SchemaCatalog(connection);
    this.progress = progress;
  }

  void load(Manifest manifest, Path backup) throws IOException, SQLException {
    catalog.pinSessionSettings();
    connection.setAutoCommit(false);
    requireSameTables(manifest);
    List<SchemaCatalog.ForeignKey> foreignKeys = catalog.foreignKeys();
    for (SchemaCatalog.ForeignKey key : foreignKeys) {
      execute(
          "ALTER TABLE "
              + SchemaCatalog.quote(key.table())
              + " DROP CONSTRAINT "
              + SchemaCatalog.quote(key.name()));
    }
    // Flyway's own rows for the migrations just run give way to the original history.
    execute("DELETE FROM " + SchemaCatalog.quote(SchemaCatalog.HISTORY));
    CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
    for (Manifest.Table table : manifest.tables()) {
      long rows;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(table.file(backup)))) {
        rows =
            copy.copyIn(
                "COPY "
                    + SchemaCatalog.quote(table.name())
                    + " ("
                    + SchemaCatalog.columnList(table.columns())
                    + ") FROM STDIN",
                in);
      }
      progress.say("  table %s: %d rows", table.name(), rows);
    }
    progress.say("Checking %d foreign keys", foreignKeys.size());
    for (SchemaCatalog.ForeignKey key : foreignKeys) {
      execute(
          "ALTER TABLE "
              + SchemaCatalog.quote(key.table())
              + " ADD CONSTRAINT "
              + SchemaCatalog.quote(key.name())
              + " "
              + key.definition());
    }
    restoreSequences(manifest.sequences());
    for (Manifest.Table table : manifest.tables()) {
      long rows = catalog.count(table.name());
      if (rows != table.rows()) {
        throw new BackupException(
            "table " + table.name() + " has " + rows + " rows after the load, not " + table.rows());
      }
    }
    connection.commit();
  }

  private void requireSameTables(Manifest manifest) throws SQLException {
    Set<String> inBackup =
        manifest.tables().stream()
            .map(Manifest.Table::name)
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> inSchema = new TreeSet<>(catalog.tables());
    if (!inBackup.equals(inSchema)) {
      throw new BackupException(
          "the backup's tables "
              + inBackup
              + " are not those of schema version "
              + manifest.schemaVersion()
              + " "
              + inSchema);
    }
    for (Manifest.Table table : manifest.tables()) {
      if (!new HashSet<>(catalog.columns(table.name())).equals(new HashSet<>(table.columns()))) {
        throw new BackupException(
            "the backup's columns of table "
                + table.name()
                + " are not those of schema version "
                + manifest.schemaVersion());
      }
    }
  }

  /**
   * Back to the dumped state (read after the snapshot, so past every id in it); a column's sequence
   * goes at least to the column's largest value, so that it never hands out a taken id.
   */
  private void restoreSequences(List<Manifest.Sequence> sequences) throws SQLException {
    Map<String, SchemaCatalog.OwnedSequence> owners =
        catalog.ownedSequences().stream()
            .collect(Collectors.toMap(SchemaCatalog.OwnedSequence::sequence, Function.identity()));
    for (Manifest.Sequence sequence : sequences) {
      long value = sequence.lastValue();
      boolean called = sequence.called();
      SchemaCatalog.OwnedSequence owner = owners.get(sequence.name());
      if (owner != null) {
        long largest = largest(owner);
        if (largest >= value) {
          value = largest;
          called = true;
        }
      }
      try (PreparedStatement statement =
          connection.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
        statement.setString(1, SchemaCatalog.quote(sequence.name()));
        statement.setLong(2, value);
        statement.setBoolean(3, called);
        statement.execute();
      }
    }
  }

  private long largest(SchemaCatalog.OwnedSequence owner) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT coalesce(max("
                    + SchemaCatalog.quote(owner.column())
                    + "), 0) FROM "
                    + SchemaCatalog.quote(owner.table()))) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private void execute(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
