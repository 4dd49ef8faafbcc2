package io.learnware.it.support;

import static io.restassured.RestAssured.given;

import io.learnware.testing.Market;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The packaged market (marketplace-api's {@code quarkus-run.jar}, as {@code bin/market} runs it) in
 * a process of its own, with its embedded PostgreSQL on a fresh data directory and free ports: one
 * market per test class that registers the fixture,
 *
 * <pre>{@code @RegisterExtension static final MarketFixture market = new MarketFixture();}</pre>
 *
 * <p>It starts before the class's {@code @BeforeAll} methods and stops after its {@code @AfterAll}
 * ones; meanwhile REST Assured's {@code given()} talks to it, so the {@link Market} helpers it
 * inherits (users, uploads of the fixtures, job requests, a stand-in worker that claims jobs
 * without running any model) drive it. It has the tokens of the admin and of the local worker (both
 * generated at its first start), a connection to its database for what the API never lets happen,
 * and waits for versions and jobs. Real workers: {@link RealWorker}. Failsafe sets {@code
 * market.app.jar}; each market's log is kept in {@code market.logs}
 * (it/target/market-logs/CLASS.log).
 */
public final class MarketFixture implements Market, BeforeAllCallback, AfterAllCallback {

  /** A claimed job's lease: short, so that a killed worker's job is claimable again in seconds. */
  public static final Duration LEASE = Duration.ofSeconds(2);

  private static final Map<String, String> SETTINGS =
      Map.of(
          // Test workers ask often; a short wait keeps an empty queue from stalling a test.
          "LEARNWARE_JOBS_CLAIM_WAIT", "300MS",
          "LEARNWARE_JOBS_LEASE", LEASE.toMillis() + "MS",
          "LEARNWARE_JOBS_MAX_ATTEMPTS", "2",
          // RealWorkersTest queues 500 validations with one token to race workers for them.
          "LEARNWARE_LIMITS_RATE_JOBS_CAPACITY", "1000",
          // ... and as many uploads, which wait for their validation meanwhile.
          "LEARNWARE_LIMITS_QUOTA_PENDING_VALIDATIONS", "100000");

  private final Map<String, String> settings;
  private Path dataDir;
  private int port;
  private Process process;
  private String adminToken;
  private String workerToken;

  /** A market with its own embedded PostgreSQL and blob directory. */
  public MarketFixture() {
    this(Map.of());
  }

  /**
   * A market with these environment settings besides the tests' own: an external database, a shared
   * blob store, tokens ({@code LEARNWARE_ADMIN_TOKEN}, {@code LEARNWARE_WORKER_TOKEN} are then
   * taken from here instead of the files the first start writes). {@link MarketCluster} starts
   * several such markets on one database.
   */
  public MarketFixture(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start(context.getRequiredTestClass().getSimpleName(), Files.createTempDirectory("market-it-"));
  }

  /**
   * Starts the market on {@code dataDir} (prepared by the caller, deleted by {@link #stop}), its
   * log in {@code market.logs/NAME.log}, and points REST Assured at it.
   */
  void start(String name, Path dataDir) throws Exception {
    this.dataDir = dataDir;
    Path jar = Path.of(System.getProperty("market.app.jar", "market.app.jar is not set"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no packaged market at "
              + jar
              + ": `bin/mvn verify -pl it -am` packages it first (or `package -pl marketplace-api"
              + " -am`)");
    }
    port = freePort();
    int managementPort = freePort();
    Path logs = Path.of(System.getProperty("market.logs", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(logs);
    Path log = logs.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "--add-modules",
                "jdk.incubator.vector",
                "-jar",
                jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(key -> key.startsWith("LEARNWARE_") || key.startsWith("QUARKUS_"));
    env.putAll(SETTINGS);
    env.putAll(settings);
    env.put("LEARNWARE_DATA_DIR", dataDir.toString());
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
    process = builder.start();
    Awaitility.await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .failFast("the market exited; see " + log, () -> !process.isAlive())
        .until(() -> given().port(managementPort).get("/q/health/ready").statusCode() == 200);
    adminToken =
        settings.containsKey("LEARNWARE_ADMIN_TOKEN")
            ? settings.get("LEARNWARE_ADMIN_TOKEN")
            : Files.readString(dataDir.resolve("admin-token")).strip();
    workerToken =
        settings.containsKey("LEARNWARE_WORKER_TOKEN")
            ? settings.get("LEARNWARE_WORKER_TOKEN")
            : Files.readString(dataDir.resolve("worker-token")).strip();
    RestAssured.baseURI = "http://localhost";
    RestAssured.port = port;
  }

  /** Stops the market (SIGINT, as Ctrl-C: its PostgreSQL stops with it) and deletes its data. */
  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    RestAssured.reset();
    stop();
  }

  /** Stops the market as {@link #afterAll} does, without resetting REST Assured. */
  void stop() throws Exception {
    if (process == null) {
      return;
    }
    signal("-INT", process.pid());
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    Path postmaster = dataDir.resolve("postgres/postmaster.pid");
    if (Files.exists(postmaster)) {
      long pid = Long.parseLong(Files.readAllLines(postmaster).getFirst().strip());
      ProcessHandle.of(pid)
          .ifPresent(
              postgres -> {
                try {
                  signal("-INT", pid); // PostgreSQL's fast shutdown
                  postgres.onExit().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                  postgres.destroyForcibly();
                }
              });
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  public int port() {
    return port;
  }

  /** The market's {@code LEARNWARE_DATA_DIR}, for tests that damage what the API never would. */
  public Path dataDir() {
    return dataDir;
  }

  /** This market's address (whichever market REST Assured points at). */
  @Override
  public URI uri() {
    return URI.create("http://localhost:" + port);
  }

  /** The DJL model URL of a learnware on this market, e.g. {@code owner/name@1}. */
  public String learnwareUrl(String ref) {
    return "learnware://localhost:" + port + "/" + ref;
  }

  @Override
  public String adminToken() {
    return adminToken;
  }

  @Override
  public String workerToken() {
    return workerToken;
  }

  /** A superuser connection to the market's PostgreSQL, for what the API never lets happen. */
  public Connection database() throws IOException, SQLException {
    List<String> pid = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
    String password = Files.readString(dataDir.resolve("postgres-password")).strip();
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + pid.get(3).strip() + "/postgres", "postgres", password);
  }

  /**
   * Reads version {@code owner/name@version} anonymously every 200 ms, for up to 2 minutes, until
   * {@code done} holds of it; returns it.
   */
  public JsonPath awaitVersion(String owner, String name, int version, Predicate<JsonPath> done)
      throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      JsonPath v =
          given()
              .get("/api/v1/learnwares/{owner}/{name}/versions/{v}", owner, name, version)
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      if (done.test(v)) {
        return v;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        owner + "/" + name + "@" + version + " never reached the state wanted");
  }

  /** Waits up to {@code timeout} for the job to end (SUCCEEDED, FAILED or CANCELLED). */
  public JsonPath awaitJob(String token, String job, Duration timeout) throws InterruptedException {
    return awaitJob(
        token,
        job,
        v -> List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(v.getString("state")),
        timeout);
  }

  /**
   * Reads the job as {@code token}'s user every 200 ms, for up to {@code timeout}, until {@code
   * done} holds of it; returns it.
   */
  public JsonPath awaitJob(String token, String job, Predicate<JsonPath> done, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonPath v =
          given().auth().oauth2(token).get("/api/v1/jobs/{id}", job).then().extract().jsonPath();
      if (done.test(v)) {
        return v;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("job " + job + " did not get there in " + timeout);
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    new ProcessBuilder("kill", signal, Long.toString(pid)).start().waitFor();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
