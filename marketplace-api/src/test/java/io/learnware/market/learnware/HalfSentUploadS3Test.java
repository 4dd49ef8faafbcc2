package io.learnware.market.learnware;

import io.learnware.market.support.S3Store;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link HalfSentUploadTest} on the S3 blob store (S3Proxy): the multipart upload begun for the
 * model part is aborted.
 */
@QuarkusTest
@TestProfile(S3Store.class)
class HalfSentUploadS3Test extends HalfSentUploadTest {}
