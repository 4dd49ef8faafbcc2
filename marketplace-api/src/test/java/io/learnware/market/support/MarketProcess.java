package io.learnware.market.support;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.testing.Market;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The packaged market (API and embedded PostgreSQL) as a user runs it, in its own process on a data
 * directory, for tests that stop, kill and restart it, or run its commands ({@code backup DIR}).
 * Its {@link Market} helpers go to it once REST Assured points at it ({@code RestAssured.port =
 * market.port()}). Integration tests only: failsafe sets {@code market.app.jar}.
 */
public final class MarketProcess implements Market, AutoCloseable {

  private final Path dataDir;
  private final int port;
  private final int managementPort;
  private final Map<String, String> environment;
  private Process process;

  private MarketProcess(
      Path dataDir, int port, int managementPort, Map<String, String> environment) {
    this.dataDir = dataDir;
    this.port = port;
    this.managementPort = managementPort;
    this.environment = environment;
  }

  /** What a command printed (stdout and stderr together), and its exit status. */
  public record Result(int exitCode, String output) {}

  /** A market on a fresh data directory, started and ready. */
  public static MarketProcess start(String name) throws IOException {
    return start(name, Map.of());
  }

  /**
   * @param environment settings added to the process's environment (e.g. LEARNWARE_JOBS_LEASE)
   */
  public static MarketProcess start(String name, Map<String, String> environment)
      throws IOException {
    return start(Files.createTempDirectory("market-" + name + "-"), environment);
  }

  /** A market on {@code dataDir} (new or not), started and ready. */
  public static MarketProcess start(Path dataDir, Map<String, String> environment)
      throws IOException {
    MarketProcess market =
        new MarketProcess(dataDir, freePort(), freePort(), new HashMap<>(environment));
    market.start();
    return market;
  }

  /** Runs the app on {@code dataDir} with these arguments (e.g. {@code backup DIR}) to its end. */
  public static Result run(Path dataDir, String... args) throws Exception {
    Files.createDirectories(dataDir);
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", "-jar", appJar()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("LEARNWARE_DB_URL");
    builder.environment().put("LEARNWARE_DATA_DIR", dataDir.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("command ended").isTrue();
    return new Result(process.exitValue(), output);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String appJar() {
    return System.getProperty("market.app.jar");
  }

  /** Starts (again, on the same data directory and ports) and waits until it is ready. */
  public void start() throws IOException {
    assertThat(process == null || !process.isAlive()).as("the market is stopped").isTrue();
    Files.createDirectories(dataDir);
    ProcessBuilder builder =
        new ProcessBuilder(
                java(), "-Xmx512m", "--add-modules", "jdk.incubator.vector", "-jar", appJar())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
    Map<String, String> env = builder.environment();
    env.remove("LEARNWARE_DB_URL");
    env.put("LEARNWARE_DATA_DIR", dataDir.toString());
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
    // The process tests upload far more than a user may leave waiting for validation.
    env.put("LEARNWARE_LIMITS_QUOTA_PENDING_VALIDATIONS", "100000");
    env.putAll(environment);
    process = builder.start();
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .failFast("the market exited; see " + log(), () -> !process.isAlive())
        .until(() -> given().port(managementPort).get("/q/health/ready").statusCode() == 200);
  }

  /** SIGKILL: no shutdown hook runs, the embedded PostgreSQL is left running. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGINT, as Ctrl-C: the market stops, and its PostgreSQL with it. */
  public void interrupt() throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("market stopped after SIGINT").isTrue();
  }

  /** SIGKILL to the embedded PostgreSQL's postmaster (its backends notice and exit). */
  public long killDatabase() throws IOException, InterruptedException {
    long postmaster = postmasterPid();
    new ProcessBuilder("kill", "-KILL", Long.toString(postmaster)).start().waitFor();
    return postmaster;
  }

  /** The pid in {@code postmaster.pid}: the embedded PostgreSQL of this data directory. */
  public long postmasterPid() throws IOException {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0));
  }

  /** A superuser connection to the running embedded PostgreSQL, for checks behind the API. */
  public Connection database() throws IOException, SQLException {
    List<String> pid = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
    String password = Files.readString(dataDir.resolve("postgres-password")).strip();
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + pid.get(3).strip() + "/postgres", "postgres", password);
  }

  /** The admin's token, generated on the first start as bin/market's is. */
  @Override
  public String adminToken() {
    return token("admin-token");
  }

  /** The local worker's token, generated on the first start. */
  @Override
  public String workerToken() {
    return token("worker-token");
  }

  private String token(String file) {
    try {
      return Files.readString(dataDir.resolve(file)).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  public Path dataDir() {
    return dataDir;
  }

  public int port() {
    return port;
  }

  public int managementPort() {
    return managementPort;
  }

  public Path log() {
    return dataDir.resolve("market.log");
  }

  /** Stops the market and whatever PostgreSQL a kill left running on its data directory. */
  @Override
  public void close() throws IOException, InterruptedException {
    if (alive()) {
      kill();
    }
    if (Files.exists(dataDir.resolve("postgres/postmaster.pid"))) {
      ProcessHandle.of(postmasterPid())
          .ifPresent(
              postgres -> {
                // SIGINT: PostgreSQL's fast shutdown.
                try {
                  new ProcessBuilder("kill", "-INT", Long.toString(postgres.pid()))
                      .start()
                      .waitFor();
                  postgres.onExit().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                  postgres.destroyForcibly();
                }
              });
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
