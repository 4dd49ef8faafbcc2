package io.learnware.market.support;

import io.learnware.testing.S3Server;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * An S3Proxy for {@code @QuarkusTest}s that run against the S3 blob store: the market's settings
 * point at its bucket {@value #BUCKET}. Arguments (from a test profile): {@code bucket} names the
 * bucket the market uses (one that is not created, for failure tests); any other argument is passed
 * on as a {@code learnware.storage.s3.*} setting.
 */
public class S3ProxyResource implements QuarkusTestResourceLifecycleManager {

  public static final String BUCKET = "market-blobs";

  private S3Server server;
  private final Map<String, String> extra = new HashMap<>();
  private String bucket = BUCKET;

  @Override
  public void init(Map<String, String> initArgs) {
    extra.putAll(initArgs);
    String named = extra.remove("bucket");
    if (named != null) {
      bucket = named;
    }
  }

  @Override
  public Map<String, String> start() {
    server = S3Server.start();
    server.createBucket(BUCKET);
    Map<String, String> settings = new HashMap<>();
    settings.put("learnware.storage.type", "s3");
    settings.put("learnware.storage.s3.endpoint", server.endpoint().toString());
    settings.put("learnware.storage.s3.bucket", bucket);
    settings.put("learnware.storage.s3.path-style-access", "true");
    settings.put("learnware.storage.s3.key-prefix", "market/");
    settings.put("learnware.storage.s3.access-key-id", S3Server.ACCESS_KEY);
    settings.put("learnware.storage.s3.secret-access-key", S3Server.SECRET_KEY);
    // S3's smallest part: a few MiB already make a multipart upload.
    settings.put("learnware.storage.s3.part-size", "5M");
    extra.forEach((key, value) -> settings.put("learnware.storage.s3." + key, value));
    return settings;
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
    }
  }
}
