package io.learnware.market.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The default database: a real PostgreSQL started from Maven artifacts, its files under the data
 * directory so that data survives restarts. Used when no external database URL is configured.
 *
 * <p>Durable and closed: fsync and synchronous commit on (an acknowledged write survives a power
 * loss), listening on 127.0.0.1 only, and only password (SCRAM) authentication: no local process
 * connects without the generated password kept beside the database files (mode 600). A PostgreSQL
 * that an earlier run left running on the same files (the market was killed) is stopped first.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
  private static final String USER = "postgres";

  /** Rewritten at every start: initdb's "trust" lines would let any local process in. */
  private static final String PG_HBA =
      """
      # Written by the market at every start: password (SCRAM) authentication only, loopback only.
      local all all scram-sha-256
      host all all 127.0.0.1/32 scram-sha-256
      """;

  private final EmbeddedPostgres postgres;
  private final String password;

  private EmbeddedDatabase(EmbeddedPostgres postgres, String password) {
    this.postgres = postgres;
    this.password = password;
  }

  /**
   * Starts (or restarts, keeping its data) the durable PostgreSQL whose files live in {@code
   * directory}.
   */
  public static EmbeddedDatabase start(Path directory) throws IOException {
    return start(directory, true);
  }

  /**
   * @param durable fsync and synchronous commit; only tests, whose data is thrown away, turn them
   *     off for speed
   */
  public static EmbeddedDatabase start(Path directory, boolean durable) throws IOException {
    Files.createDirectories(directory);
    stopLeftover(directory);
    long started = System.nanoTime();
    // The builder's defaults turn fsync (-F) and synchronous commit off; these come later and win.
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    Path file = passwordFile(directory);
    if (Files.exists(file)) {
      // Its readiness check logs in, which from the second start on takes the password.
      builder.setConnectConfig("password", Files.readString(file).strip());
    }
    EmbeddedPostgres postgres =
        builder
            .setDataDirectory(directory)
            .setCleanDataDirectory(false)
            .setPort(0)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("fsync", durable ? "on" : "off")
            .setServerConfig("synchronous_commit", durable ? "on" : "off")
            .setServerConfig("password_encryption", "scram-sha-256")
            .start();
    String password;
    try {
      password = secure(postgres.getPort(), directory);
    } catch (IOException | SQLException | RuntimeException e) {
      postgres.close();
      throw new IOException("cannot secure the embedded PostgreSQL in " + directory, e);
    }
    LOG.infof(
        "Embedded PostgreSQL on 127.0.0.1:%d, data in %s (started in %d ms%s)",
        postgres.getPort(),
        directory,
        (System.nanoTime() - started) / 1_000_000,
        durable ? "" : "; NOT durable: fsync off");
    return new EmbeddedDatabase(postgres, password);
  }

  /** The file that keeps the generated password: beside the database files, mode 600. */
  static Path passwordFile(Path directory) {
    return directory.resolveSibling(directory.getFileName() + "-password");
  }

  /**
   * Gives the superuser its password (generated once) and allows only password logins. On the first
   * start initdb's "trust" still admits this connection; afterwards the password does.
   */
  private static String secure(int port, Path directory) throws IOException, SQLException {
    Path file = passwordFile(directory);
    String password;
    if (Files.exists(file)) {
      password = Files.readString(file).strip();
    } else {
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      password = HexFormat.of().formatHex(random);
      Path partial = Files.createTempFile(file.getParent(), ".password-", "");
      Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
      Files.writeString(partial, password);
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }
    try (Connection connection = connect(port, password);
        Statement statement = connection.createStatement()) {
      // Hex only: nothing in it needs quoting.
      statement.execute("ALTER ROLE " + USER + " WITH PASSWORD '" + password + "'");
      Path hba = directory.resolve("pg_hba.conf");
      if (!Files.readString(hba).equals(PG_HBA)) {
        Files.writeString(hba, PG_HBA);
        statement.execute("SELECT pg_reload_conf()");
      }
    }
    return password;
  }

  static Connection connect(int port, String password) throws SQLException {
    return new JdbcTarget(urlOf(port), USER, password).connect();
  }

  private static String urlOf(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /**
   * The PostgreSQL that a running market (or an earlier run it outlived) keeps on these files, if
   * one is running: its port is the fourth line of {@code postmaster.pid}.
   */
  public static Optional<JdbcTarget> running(Path directory) throws IOException {
    Path lock = directory.resolve("postmaster.pid");
    if (!Files.exists(lock)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(lock);
    if (lines.size() < 4
        || !lines.get(3).strip().matches("\\d+")
        || serverProcess(lines).isEmpty()) {
      return Optional.empty();
    }
    String password = Files.readString(passwordFile(directory)).strip();
    return Optional.of(
        new JdbcTarget(urlOf(Integer.parseInt(lines.get(3).strip())), USER, password));
  }

  /** The live PostgreSQL process a {@code postmaster.pid} names, if any. */
  private static Optional<ProcessHandle> serverProcess(List<String> lockLines) {
    return lockLines.isEmpty() || !lockLines.getFirst().strip().matches("\\d+")
        ? Optional.empty()
        : ProcessHandle.of(Long.parseLong(lockLines.getFirst().strip()))
            .filter(ProcessHandle::isAlive)
            .filter(p -> p.info().command().orElse("").endsWith("/postgres"));
  }

  /**
   * Stops a PostgreSQL an earlier run left on these files (it outlives a market killed with SIGKILL
   * and would make this start fail on its lock file), and removes a lock file whose process is
   * gone.
   */
  private static void stopLeftover(Path directory) throws IOException {
    Path lock = directory.resolve("postmaster.pid");
    if (!Files.exists(lock)) {
      return;
    }
    Optional<ProcessHandle> leftover = serverProcess(Files.readAllLines(lock));
    if (leftover.isPresent()) {
      long pid = leftover.get().pid();
      LOG.warnf("A PostgreSQL (pid %d) an earlier run left on %s: stopping it", pid, directory);
      try {
        // SIGINT is PostgreSQL's fast shutdown: the earlier run's connections are gone anyway.
        new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor();
        leftover.get().onExit().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warnf("PostgreSQL (pid %d) did not stop in time; killing it (%s)", pid, e);
        leftover.get().destroyForcibly();
      }
    }
    // A lock file of a process that is gone (or now another program) would block the start.
    Files.deleteIfExists(lock);
  }

  public String jdbcUrl() {
    return urlOf(postgres.getPort());
  }

  public JdbcTarget target() {
    return new JdbcTarget(jdbcUrl(), USER, password);
  }

  public String username() {
    return USER;
  }

  public String password() {
    return password;
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
