package io.learnware.it.support;

import io.learnware.testing.S3Server;
import io.restassured.RestAssured;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Several packaged markets sharing one PostgreSQL and one blob store, as API instances behind a
 * load balancer: one cluster per test class that registers it,
 *
 * <pre>{@code @RegisterExtension static final MarketCluster cluster = new MarketCluster(2);}</pre>
 *
 * <p>The PostgreSQL is an embedded one in this JVM, which every market reaches through {@code
 * LEARNWARE_DB_URL}. The blob store is one bucket of one S3Proxy ({@link S3Server}, also in this
 * JVM). The markets have the same admin and worker tokens. REST Assured points at the first; {@link
 * #instance} gives each (its {@code uri()}, {@code port()}), so a test addresses the others
 * explicitly.
 */
public final class MarketCluster implements BeforeAllCallback, AfterAllCallback {

  private static final String ADMIN_TOKEN = "lw_cluster-admin-token";
  private static final String WORKER_TOKEN = "lww_cluster-worker-token";
  private static final String BUCKET = "market";

  private final int size;
  private final Map<String, String> settings;
  private final List<MarketFixture> instances = new ArrayList<>();
  private EmbeddedPostgres postgres;
  private S3Server s3;

  public MarketCluster(int size) {
    this(size, Map.of());
  }

  /** {@code size} markets with these environment settings besides the cluster's. */
  public MarketCluster(int size, Map<String, String> settings) {
    this.size = size;
    this.settings = Map.copyOf(settings);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    postgres = EmbeddedPostgres.builder().setPort(0).start();
    s3 = S3Server.start();
    s3.createBucket(BUCKET);
    Map<String, String> shared = new HashMap<>(settings);
    shared.put("LEARNWARE_DB_URL", postgres.getJdbcUrl("postgres", "postgres"));
    shared.put("LEARNWARE_DB_USER", "postgres");
    shared.put("LEARNWARE_ADMIN_TOKEN", ADMIN_TOKEN);
    shared.put("LEARNWARE_WORKER_TOKEN", WORKER_TOKEN);
    shared.put("LEARNWARE_STORAGE_TYPE", "s3");
    shared.put("LEARNWARE_STORAGE_S3_ENDPOINT", s3.endpoint().toString());
    shared.put("LEARNWARE_STORAGE_S3_BUCKET", BUCKET);
    shared.put("LEARNWARE_STORAGE_S3_PATH_STYLE_ACCESS", "true");
    shared.put("LEARNWARE_STORAGE_S3_ACCESS_KEY_ID", S3Server.ACCESS_KEY);
    shared.put("LEARNWARE_STORAGE_S3_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
    String name = context.getRequiredTestClass().getSimpleName();
    for (int i = 0; i < size; i++) {
      MarketFixture market = new MarketFixture(shared);
      instances.add(market);
      market.start(name + "-" + (char) ('A' + i), Files.createTempDirectory("market-it-"));
    }
    RestAssured.port = instances.getFirst().port();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    RestAssured.reset();
    for (MarketFixture market : instances) {
      market.stop();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (s3 != null) {
      Path directory = s3.directory();
      s3.close();
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /** The {@code i}th market (0 is the one REST Assured points at). */
  public MarketFixture instance(int i) {
    return instances.get(i);
  }

  /** A superuser connection to the shared PostgreSQL. */
  public Connection database() throws SQLException {
    return postgres.getPostgresDatabase().getConnection();
  }
}
