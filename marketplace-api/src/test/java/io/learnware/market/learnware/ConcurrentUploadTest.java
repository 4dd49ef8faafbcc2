package io.learnware.market.learnware;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.storage.Sha256;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.market.support.StoredBlobs;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class ConcurrentUploadTest {

  private static final int UPLOADS = 8;

  @Inject StoredBlobs blobs;

  @Test
  void concurrentUploadsGetVersionsOneToNOnceEachAndIdenticalBytesAreStoredOnce() throws Exception {
    String token = MARKET.newUser("race");
    String owner = MARKET.usernameOf(token);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(UPLOADS)) {
      for (int i = 0; i < UPLOADS; i++) {
        Callable<Integer> upload =
            () -> {
              start.await();
              return MARKET
                  .uploadDigits(token, owner, "raced")
                  .then()
                  .statusCode(201)
                  .extract()
                  .path("version");
            };
        results.add(pool.submit(upload));
      }
      start.countDown();
    }
    List<Integer> versions = new ArrayList<>();
    for (Future<Integer> result : results) {
      versions.add(result.get());
    }
    assertThat(versions).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);

    String modelSha = Sha256.of(Fixtures.bytes(Fixtures.DIGITS_MODEL));
    assertThat(blobs.refs(modelSha)).isGreaterThanOrEqualTo(UPLOADS);
    assertThat(blobs.size(modelSha)).isEqualTo(Fixtures.bytes(Fixtures.DIGITS_MODEL).length);
    assertThat(blobs.files(modelSha)).isEqualTo(1);
    given()
        .get("/api/v1/learnwares/{owner}/raced", owner)
        .then()
        .statusCode(200)
        .body("versions.size()", org.hamcrest.Matchers.equalTo(UPLOADS));
  }
}
