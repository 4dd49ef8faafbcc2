package io.learnware.market.storage;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.database.JdbcTarget;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.market.support.StoredBlobs;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Files without a row go, files with one stay, and nothing goes while a backup runs. Also run on S3
 * ({@link OrphanSweepS3Test}).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class OrphanSweepTest {

  @Inject StorageService storage;
  @Inject StoredBlobs blobs;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String url;

  @ConfigProperty(name = "quarkus.datasource.username")
  String username;

  @ConfigProperty(name = "quarkus.datasource.password")
  String password;

  @Test
  void theSweepDeletesOnlyFilesWithoutRowsAndNoneWhileABackupHoldsItsLock() throws Exception {
    String token = MARKET.newUser("orphans");
    String owner = MARKET.usernameOf(token);
    String model = Sha256.of(Fixtures.bytes(Fixtures.DIGITS_MODEL));
    byte[] notes = bytes(11);
    MARKET
        .digitsUpload(token)
        .multiPart("file", "notes.bin", notes)
        .post("/api/v1/learnwares/{owner}/swept/versions", owner)
        .then()
        .statusCode(201);
    byte[] orphan = bytes(12);
    String orphanSha = Sha256.of(orphan);
    // What a crash between a commit and its sweep leaves: bytes without a row.
    blobs.plantOrphan(orphanSha, orphan);
    assertThat(blobs.files(orphanSha)).isEqualTo(1);

    try (Connection backup = new JdbcTarget(url, username, password).connect();
        Statement statement = backup.createStatement()) {
      statement.execute(BackupLock.HOLD);
      storage.sweepOrphans();
      assertThat(blobs.files(orphanSha)).as("kept while a backup runs").isEqualTo(1);
      given()
          .auth()
          .oauth2(token)
          .delete("/api/v1/learnwares/{owner}/swept/versions/1", owner)
          .then()
          .statusCode(204);
      assertThat(blobs.refs(Sha256.of(notes))).isZero();
      assertThat(blobs.files(Sha256.of(notes)))
          .as("a release keeps the file while a backup runs")
          .isEqualTo(1);
      // A closed connection's locks are released by its server process after the client has
      // moved on: a sweep right after close() could still find the backup running.
      try (ResultSet released = statement.executeQuery(BackupLock.RELEASE)) {
        assertThat(released.next() && released.getBoolean(1)).as("backup lock released").isTrue();
      }
    }

    storage.sweepOrphans();
    assertThat(blobs.files(orphanSha)).isZero();
    assertThat(blobs.files(Sha256.of(notes))).isZero();
    MARKET.uploadDigits(token, owner, "kept").then().statusCode(201);
    storage.sweepOrphans();
    assertThat(blobs.refs(model)).isPositive();
    assertThat(blobs.files(model)).as("a file with a row stays").isEqualTo(1);
  }

  private static byte[] bytes(long seed) {
    byte[] bytes = new byte[2048];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
