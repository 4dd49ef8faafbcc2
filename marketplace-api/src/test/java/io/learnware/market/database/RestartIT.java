package io.learnware.market.database;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.learnware.market.storage.Sha256;
import io.learnware.market.support.MarketProcess;
import io.learnware.testing.Fixtures;
import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the packaged market as a user would (embedded PostgreSQL under a data directory), stops it
 * with SIGINT (Ctrl-C) and starts it again on the same directory: the learnware, its bytes and the
 * accounts are still there.
 */
class RestartIT {

  private MarketProcess market;

  @AfterEach
  void stop() throws Exception {
    if (market != null) {
      market.close();
    }
  }

  @Test
  void dataSurvivesARestartCtrlCStopsTheDatabaseAndStagingLeftoversGo() throws Exception {
    String token = startAndUpload("restart", "kept");
    String owner = market.usernameOf(token);
    Path dataDir = market.dataDir();
    market.interrupt();
    assertThat(dataDir.resolve("postgres/postmaster.pid"))
        .as("PostgreSQL shut down with the market")
        .doesNotExist();

    // What a crash mid-upload would leave behind: removed at the next start.
    Path leftover = dataDir.resolve("tmp/uploads/crashed.part");
    Path nested = dataDir.resolve("tmp/elsewhere/crashed");
    Files.createDirectories(nested.getParent());
    Files.writeString(leftover, "partial bytes");
    Files.writeString(nested, "partial bytes");

    market.start();
    assertThat(leftover).doesNotExist();
    assertThat(nested).doesNotExist();
    byte[] model = Fixtures.bytes(Fixtures.DIGITS_MODEL);
    given()
        .get("/api/v1/learnwares/{owner}/kept", owner)
        .then()
        .statusCode(200)
        .body("latest", equalTo(1))
        .body("versions[0].sha256", equalTo(Sha256.of(model)));
    byte[] downloaded =
        given().get("/api/v1/learnwares/{owner}/kept/versions/1/artifact", owner).asByteArray();
    assertThat(downloaded).isEqualTo(model);
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/me")
        .then()
        .statusCode(200)
        .body("username", equalTo(owner));
    // The admin was created once, on the first start only.
    given().auth().oauth2(market.adminToken()).get("/api/v1/me").then().statusCode(200);
    market.interrupt();
  }

  @Test
  void aMarketKilledWithSigkillLeavesItsDatabaseRunningAndTheNextStartTakesItOver()
      throws Exception {
    String token = startAndUpload("killed", "acknowledged");
    String owner = market.usernameOf(token);
    market.kill(); // kill -9: no shutdown hook runs
    long orphan = market.postmasterPid();
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive))
        .as("PostgreSQL outlives the killed market")
        .contains(true);

    market.start();
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    given()
        .get("/api/v1/learnwares/{owner}/acknowledged", owner)
        .then()
        .statusCode(200)
        .body("versions[0].sha256", equalTo(Sha256.of(Fixtures.bytes(Fixtures.DIGITS_MODEL))));
    market.interrupt();
  }

  /** A market on a fresh data directory, with a user who has uploaded the digits fixture. */
  private String startAndUpload(String user, String learnware) throws IOException {
    market = MarketProcess.start(user);
    RestAssured.port = market.port();
    String token = market.newUser(user);
    market.uploadDigits(token, market.usernameOf(token), learnware).then().statusCode(201);
    return token;
  }
}
