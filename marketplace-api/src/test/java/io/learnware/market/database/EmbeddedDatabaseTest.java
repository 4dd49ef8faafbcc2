package io.learnware.market.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL as the market runs it: durable, loopback only, password only. */
class EmbeddedDatabaseTest {

  @TempDir Path dataDir;

  @Test
  void itIsDurableListensOnLoopbackAndAdmitsOnlyItsPassword() throws Exception {
    Path directory = dataDir.resolve("postgres");
    String password;
    try (EmbeddedDatabase database = EmbeddedDatabase.start(directory)) {
      password = database.password();
      int port = port(database);
      try (Connection connection = EmbeddedDatabase.connect(port, password);
          Statement statement = connection.createStatement()) {
        assertThat(show(statement, "fsync")).isEqualTo("on");
        assertThat(show(statement, "synchronous_commit")).isEqualTo("on");
        assertThat(show(statement, "listen_addresses")).isEqualTo("127.0.0.1");
        statement.execute("CREATE TABLE kept (v text)");
        statement.execute("INSERT INTO kept VALUES ('acknowledged')");
      }
      assertThatThrownBy(() -> EmbeddedDatabase.connect(port, "not-the-password").close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("password authentication failed");
    }
    assertThat(Files.readString(directory.resolve("pg_hba.conf")))
        .doesNotContain("trust")
        .contains("scram-sha-256");
    Path passwordFile = EmbeddedDatabase.passwordFile(directory);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(passwordFile)).isEqualTo(password);

    // A restart keeps the password and the data.
    try (EmbeddedDatabase database = EmbeddedDatabase.start(directory);
        Connection connection = EmbeddedDatabase.connect(port(database), password);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT v FROM kept")) {
      assertThat(database.password()).isEqualTo(password);
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo("acknowledged");
    }
  }

  private static int port(EmbeddedDatabase database) {
    String url = database.jdbcUrl();
    return Integer.parseInt(
        url.substring(url.lastIndexOf(':') + 1, url.indexOf('/', url.lastIndexOf(':'))));
  }

  private static String show(Statement statement, String setting) throws SQLException {
    try (ResultSet result = statement.executeQuery("SHOW " + setting)) {
      result.next();
      return result.getString(1);
    }
  }
}
