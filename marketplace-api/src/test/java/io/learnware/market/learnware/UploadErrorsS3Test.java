package io.learnware.market.learnware;

import io.learnware.market.support.S3Store;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link UploadErrorsTest} on the S3 blob store (S3Proxy): failed and aborted uploads leave no
 * multipart upload or staging object.
 */
@QuarkusTest
@TestProfile(S3Store.class)
class UploadErrorsS3Test extends UploadErrorsTest {}
