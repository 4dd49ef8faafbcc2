package io.learnware.market.storage;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Random;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Bytes live exactly as long as some version refers to them. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class BlobLifecycleTest {

  @Inject EntityManager em;

  @ConfigProperty(name = "learnware.data-dir")
  Path dataDir;

  @Test
  void deletingTheLastVersionThatUsesABlobRemovesItsRowAndFile() throws Exception {
    String token = Market.newUser("blobs");
    String owner = Market.usernameOf(token);
    byte[] unique = new byte[4096];
    new Random(7).nextBytes(unique);
    String uniqueSha = Sha256.of(unique);

    Market.uploadDigits(token, owner, "keeper").then().statusCode(201);
    for (String name : new String[] {"one", "two"}) {
      Market.digitsUpload(token)
          .multiPart("file", "notes.bin", unique)
          .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name)
          .then()
          .statusCode(201);
    }
    assertThat(refs(uniqueSha)).isEqualTo(2);
    assertThat(storedFile(uniqueSha)).isTrue();

    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{o}/one/versions/1", owner)
        .then()
        .statusCode(204);
    assertThat(refs(uniqueSha)).isEqualTo(1);
    assertThat(storedFile(uniqueSha)).isTrue();

    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{o}/two/versions/1", owner)
        .then()
        .statusCode(204);
    assertThat(refs(uniqueSha)).isZero();
    assertThat(storedFile(uniqueSha)).as("file swept after the deleting transaction").isFalse();
    // The model's bytes are still used by "keeper" and stay.
    assertThat(storedFile(Sha256.of(Fixtures.bytes(Market.DIGITS_MODEL)))).isTrue();
  }

  /** The blob's reference count, 0 when its row is gone. */
  private int refs(String sha256) {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                em
                    .createNativeQuery("SELECT refs FROM blob WHERE sha256 = ?1")
                    .setParameter(1, sha256)
                    .getResultList()
                    .stream()
                    .mapToInt(r -> ((Number) r).intValue())
                    .sum());
  }

  private boolean storedFile(String sha256) throws Exception {
    try (Stream<Path> files = Files.walk(dataDir.resolve("blobs"))) {
      return files.anyMatch(p -> p.getFileName().toString().equals(sha256));
    }
  }
}
