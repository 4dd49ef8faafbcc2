package io.learnware.market.backup;

import io.learnware.market.storage.Sha256;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Dumps every table of the schema from one snapshot: a {@code REPEATABLE READ, READ ONLY}
 * transaction, so the tables agree with each other and with the blob list, whatever the market
 * writes meanwhile.
 */
final class SnapshotDump {

  /** What the snapshot held; the blobs still have to be copied. */
  record Snapshot(
      String takenAt,
      String schemaVersion,
      List<Manifest.Table> tables,
      List<Manifest.Sequence> sequences,
      List<Manifest.Blob> blobs) {}

  private final Connection connection;
  private final SchemaCatalog catalog;
  private final Progress progress;

  SnapshotDump(Connection connection, SchemaCatalog catalog, Progress progress) {
    this.connection = connection;
    this.catalog = catalog;
    this.progress = progress;
  }

  /** Runs in the connection's transaction, which the caller ends. */
  Snapshot writeTo(Path backup) throws IOException, SQLException {
    connection.setAutoCommit(false);
    String takenAt;
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      // The first query takes the snapshot; now() is the transaction's start.
      try (ResultSet now = statement.executeQuery("SELECT now()")) {
        now.next();
        takenAt = now.getObject(1, OffsetDateTime.class).toInstant().toString();
      }
    }
    String version =
        catalog
            .schemaVersion()
            .orElseThrow(
                () ->
                    new BackupException(
                        "the database has no market schema (no "
                            + SchemaCatalog.HISTORY
                            + "): nothing to back up"))
            .getVersion();
    progress.say("Snapshot taken at %s (schema version %s)", takenAt, version);
    List<Manifest.Table> tables = new ArrayList<>();
    for (String table : catalog.tables()) {
      tables.add(dump(table, backup));
    }
    // Sequences are not transactional: read after the snapshot, each is past every id it holds.
    List<Manifest.Sequence> sequences = new ArrayList<>();
    for (String sequence : catalog.sequences()) {
      sequences.add(sequence(sequence));
    }
    return new Snapshot(takenAt, version, tables, sequences, blobs());
  }

  private Manifest.Table dump(String name, Path backup) throws IOException, SQLException {
    List<String> columns = catalog.columns(name);
    Manifest.Table unsaved = new Manifest.Table(name, columns, 0, null);
    Path file = unsaved.file(backup);
    Files.createDirectories(file.getParent());
    CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
    MessageDigest digest = Sha256.newDigest();
    long rows;
    try (OutputStream out =
        new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file)), digest)) {
      rows =
          copy.copyOut(
              "COPY "
                  + SchemaCatalog.quote(name)
                  + " ("
                  + SchemaCatalog.columnList(columns)
                  + ") TO STDOUT",
              out);
    }
    progress.say("  table %s: %d rows", name, rows);
    return new Manifest.Table(name, columns, rows, Sha256.hex(digest.digest()));
  }

  private Manifest.Sequence sequence(String name) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT last_value, is_called FROM " + SchemaCatalog.quote(name))) {
      row.next();
      return new Manifest.Sequence(name, row.getLong(1), row.getBoolean(2));
    }
  }

  private List<Manifest.Blob> blobs() throws SQLException {
    List<Manifest.Blob> blobs = new ArrayList<>();
    try (Statement statement = connection.createStatement()) {
      statement.setFetchSize(10_000);
      try (ResultSet rows =
          statement.executeQuery("SELECT sha256, size FROM blob ORDER BY sha256")) {
        while (rows.next()) {
          blobs.add(new Manifest.Blob(rows.getString(1), rows.getLong(2)));
        }
      }
    }
    return blobs;
  }
}
