package io.learnware.market.learnware;

import io.learnware.market.support.S3Store;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link ConcurrentUploadTest} on the S3 blob store (S3Proxy). */
@QuarkusTest
@TestProfile(S3Store.class)
class ConcurrentUploadS3Test extends ConcurrentUploadTest {}
