package io.learnware.market.storage;

import io.learnware.market.support.S3Store;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link BlobLifecycleTest} on the S3 blob store (S3Proxy). */
@QuarkusTest
@TestProfile(S3Store.class)
class BlobLifecycleS3Test extends BlobLifecycleTest {}
