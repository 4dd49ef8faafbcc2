package io.learnware.market.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/**
 * The market on the S3 blob store (S3Proxy) instead of the file system: the storage tests run once
 * in each profile, their S3 variants being subclasses annotated
 * {@code @TestProfile(S3Store.class)}.
 */
public class S3Store implements QuarkusTestProfile {

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(S3ProxyResource.class));
  }
}
