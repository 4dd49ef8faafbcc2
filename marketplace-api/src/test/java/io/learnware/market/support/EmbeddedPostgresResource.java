package io.learnware.market.support;

import io.learnware.market.database.EmbeddedDatabase;
import io.learnware.testing.Market;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real, throw-away PostgreSQL and data directory for {@code @QuarkusTest}s, with a known admin
 * token.
 */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {

  public static final String ADMIN_TOKEN = "lw_test-admin-token";

  /** The token of the worker token {@code local}, which tests use to act as a worker. */
  public static final String WORKER_TOKEN = "lww_test-worker-token";

  /** The market these settings make, as tests drive it over HTTP (REST Assured points at it). */
  public static final Market MARKET = Market.withTokens(ADMIN_TOKEN, WORKER_TOKEN);

  /** Lease of a claimed job in tests. */
  public static final java.time.Duration LEASE = java.time.Duration.ofSeconds(2);

  private EmbeddedDatabase database;
  private Path dataDir;

  @Override
  public Map<String, String> start() {
    try {
      dataDir = Files.createTempDirectory("market-test-");
      // Thrown away after the run: no fsync, for speed.
      database = EmbeddedDatabase.start(dataDir.resolve("postgres"), false);
      return Map.ofEntries(
          Map.entry("quarkus.datasource.jdbc.url", database.jdbcUrl()),
          Map.entry("quarkus.datasource.username", database.username()),
          Map.entry("quarkus.datasource.password", database.password()),
          Map.entry("learnware.data-dir", dataDir.toString()),
          Map.entry("learnware.admin-token", ADMIN_TOKEN),
          Map.entry("learnware.worker-token", WORKER_TOKEN),
          // Test workers ask often; a short wait keeps an empty queue from stalling a test.
          Map.entry("learnware.jobs.claim-wait", "300MS"),
          // Short leases, so that expiry can be tested in seconds.
          Map.entry("learnware.jobs.lease", LEASE.toMillis() + "MS"),
          Map.entry("learnware.jobs.max-attempts", "2"),
          // JobsTest queues 500 validations with one token to race workers for them.
          Map.entry("learnware.limits.rate.jobs-capacity", "1000"),
          // Tests upload many versions before a stand-in worker validates them.
          Map.entry("learnware.limits.quota.pending-validations", "100000"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the database and deletes its data directory (a search benchmark's holds gigabytes). */
  @Override
  public void stop() {
    try {
      if (database != null) {
        database.close();
      }
      if (dataDir != null) {
        try (Stream<Path> tree = Files.walk(dataDir)) {
          for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
