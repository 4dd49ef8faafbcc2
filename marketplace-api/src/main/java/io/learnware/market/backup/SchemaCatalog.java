package io.learnware.market.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.api.MigrationVersion;

/** What the market's schema (the connection's current schema) holds, from PostgreSQL's catalog. */
final class SchemaCatalog {

  static final String HISTORY = "flyway_schema_history";

  /** A foreign key, to drop before a load and add back (checked) after it. */
  record ForeignKey(String table, String name, String definition) {}

  /** A sequence that numbers a column (identity or serial). */
  record OwnedSequence(String sequence, String table, String column) {}

  private final Connection connection;

  SchemaCatalog(Connection connection) {
    this.connection = connection;
  }

  /**
   * Settings under which COPY's text is the same wherever it is written and read: dates in ISO and
   * UTC, floats exact.
   */
  void pinSessionSettings() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET TIME ZONE 'UTC'");
      statement.execute("SET DateStyle = 'ISO, YMD'");
      statement.execute("SET IntervalStyle = 'postgres'");
      statement.execute("SET extra_float_digits = 3");
      statement.execute("SET bytea_output = 'hex'");
      statement.execute("SET statement_timeout = 0");
    }
  }

  List<String> tables() throws SQLException {
    return strings(
        "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p')"
            + " AND relnamespace = current_schema()::regnamespace ORDER BY relname");
  }

  /** Stored columns in table order; generated ones are computed again on load. */
  List<String> columns(String table) throws SQLException {
    return strings(
        "SELECT attname FROM pg_attribute"
            + " WHERE attrelid = (quote_ident(current_schema()) || '.' || quote_ident(?))::regclass"
            + " AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
        table);
  }

  List<String> sequences() throws SQLException {
    return strings(
        "SELECT relname FROM pg_class WHERE relkind = 'S'"
            + " AND relnamespace = current_schema()::regnamespace ORDER BY relname");
  }

  List<OwnedSequence> ownedSequences() throws SQLException {
    List<OwnedSequence> owned = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT s.relname, t.relname, a.attname FROM pg_class s"
                    + " JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass"
                    + " AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')"
                    + " JOIN pg_class t ON t.oid = d.refobjid"
                    + " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
                    + " WHERE s.relkind = 'S' AND s.relnamespace = current_schema()::regnamespace")) {
      while (rows.next()) {
        owned.add(new OwnedSequence(rows.getString(1), rows.getString(2), rows.getString(3)));
      }
    }
    return owned;
  }

  List<ForeignKey> foreignKeys() throws SQLException {
    List<ForeignKey> keys = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
                    + " JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype = 'f'"
                    + " AND t.relnamespace = current_schema()::regnamespace"
                    + " ORDER BY t.relname, c.conname")) {
      while (rows.next()) {
        keys.add(new ForeignKey(rows.getString(1), rows.getString(2), rows.getString(3)));
      }
    }
    return keys;
  }

  /** The highest version Flyway has applied; empty when the schema has no Flyway history. */
  Optional<MigrationVersion> schemaVersion() throws SQLException {
    if (!tables().contains(HISTORY)) {
      return Optional.empty();
    }
    return strings("SELECT version FROM " + HISTORY + " WHERE success AND version IS NOT NULL")
        .stream()
        .map(MigrationVersion::fromVersion)
        .max(MigrationVersion::compareTo);
  }

  long count(String table) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + quote(table))) {
      rows.next();
      return rows.getLong(1);
    }
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static String columnList(List<String> columns) {
    return String.join(", ", columns.stream().map(SchemaCatalog::quote).toList());
  }

  private List<String> strings(String sql, String... parameters) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setString(i + 1, parameters[i]);
      }
      List<String> values = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          values.add(rows.getString(1));
        }
      }
      return values;
    }
  }
}
