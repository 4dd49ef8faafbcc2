package io.learnware.market.storage;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.market.support.StoredBlobs;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bytes live exactly as long as some version refers to them. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class BlobLifecycleTest {

  @Inject StoredBlobs blobs;

  @Test
  void deletingTheLastVersionThatUsesABlobRemovesItsRowAndFile() {
    String token = MARKET.newUser("blobs");
    String owner = MARKET.usernameOf(token);
    byte[] unique = new byte[4096];
    new Random(7).nextBytes(unique);
    String uniqueSha = Sha256.of(unique);

    MARKET.uploadDigits(token, owner, "keeper").then().statusCode(201);
    for (String name : new String[] {"one", "two"}) {
      MARKET
          .digitsUpload(token)
          .multiPart("file", "notes.bin", unique)
          .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name)
          .then()
          .statusCode(201);
    }
    assertThat(blobs.refs(uniqueSha)).isEqualTo(2);
    assertThat(blobs.files(uniqueSha)).isEqualTo(1);

    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{o}/one/versions/1", owner)
        .then()
        .statusCode(204);
    assertThat(blobs.refs(uniqueSha)).isEqualTo(1);
    assertThat(blobs.files(uniqueSha)).isEqualTo(1);

    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{o}/two/versions/1", owner)
        .then()
        .statusCode(204);
    assertThat(blobs.refs(uniqueSha)).isZero();
    assertThat(blobs.files(uniqueSha)).as("file swept after the deleting transaction").isZero();
    // The model's bytes are still used by "keeper" and stay.
    assertThat(blobs.files(Sha256.of(Fixtures.bytes(Fixtures.DIGITS_MODEL)))).isEqualTo(1);
  }
}
