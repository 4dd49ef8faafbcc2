package io.learnware.market.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * The S3 store with presigned-download redirects, and every interrupted upload taken as abandoned
 * at once (so that a sweep removes what a test leaves as a crash would).
 */
public class S3Presigned implements QuarkusTestProfile {

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(
        new TestResourceEntry(
            S3ProxyResource.class,
            Map.of("presigned-downloads", "true", "abandoned-upload-age", "0S")));
  }
}
