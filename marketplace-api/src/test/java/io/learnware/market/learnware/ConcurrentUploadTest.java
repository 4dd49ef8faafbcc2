package io.learnware.market.learnware;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.storage.Sha256;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.market.support.Fixtures;
import io.learnware.market.support.Market;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class ConcurrentUploadTest {

  private static final int UPLOADS = 8;

  @Inject EntityManager em;

  @ConfigProperty(name = "learnware.data-dir")
  Path dataDir;

  @Test
  void concurrentUploadsGetVersionsOneToNOnceEachAndIdenticalBytesAreStoredOnce() throws Exception {
    String token = Market.newUser("race");
    String owner = Market.usernameOf(token);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(UPLOADS)) {
      for (int i = 0; i < UPLOADS; i++) {
        Callable<Integer> upload =
            () -> {
              start.await();
              return Market.uploadDigits(token, owner, "raced")
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

    String modelSha = Sha256.of(Fixtures.bytes(Market.DIGITS_MODEL));
    Object[] blob =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    (Object[])
                        em.createNativeQuery("SELECT refs, size FROM blob WHERE sha256 = ?1")
                            .setParameter(1, modelSha)
                            .getSingleResult());
    assertThat(((Number) blob[0]).intValue()).isGreaterThanOrEqualTo(UPLOADS);
    assertThat(((Number) blob[1]).longValue())
        .isEqualTo(Fixtures.bytes(Market.DIGITS_MODEL).length);
    try (Stream<Path> stored = Files.walk(dataDir.resolve("blobs"))) {
      assertThat(stored.filter(p -> p.getFileName().toString().equals(modelSha)).count())
          .isEqualTo(1);
    }
    given()
        .get("/api/v1/learnwares/{owner}/raced", owner)
        .then()
        .statusCode(200)
        .body("versions.size()", org.hamcrest.Matchers.equalTo(UPLOADS));
  }
}
