package io.learnware.market.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/** A PostgreSQL to connect to outside Quarkus's data source: before it starts, or instead of it. */
public record JdbcTarget(String url, String username, String password) {

  /** The driver itself: this runs before Quarkus, whose class loader DriverManager may not see. */
  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    if (username != null) {
      properties.setProperty("user", username);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    Connection connection = new org.postgresql.Driver().connect(url, properties);
    if (connection == null) {
      throw new SQLException("not a PostgreSQL JDBC URL: " + url);
    }
    return connection;
  }

  /** Without the password, which would otherwise end up in messages and logs. */
  @Override
  public String toString() {
    return url;
  }
}
