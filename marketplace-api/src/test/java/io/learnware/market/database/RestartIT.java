package io.learnware.market.database;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.learnware.market.storage.Sha256;
import io.learnware.market.support.Fixtures;
import io.learnware.market.support.Market;
import io.learnware.market.support.MarketProcess;
import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the packaged market as a user would (embedded PostgreSQL under a data directory), stops it
 * with SIGINT (Ctrl-C) and starts it again on the same directory: the learnware, its bytes and the
 * accounts are still there.
 */
class RestartIT {

  private static final String ADMIN_TOKEN = "lw_restart-admin";

  private Process market;

  @AfterEach
  void stop() throws Exception {
    if (market != null && market.isAlive()) {
      market.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void dataSurvivesARestartCtrlCStopsTheDatabaseAndStagingLeftoversGo() throws Exception {
    Uploaded first = startAndUpload("restart", "kept");
    Path dataDir = first.dataDir();
    int port = first.port();
    int managementPort = first.managementPort();
    String token = first.token();
    String owner = first.owner();
    MarketProcess.interruptAndWait(market);
    assertThat(dataDir.resolve("postgres/postmaster.pid"))
        .as("PostgreSQL shut down with the market")
        .doesNotExist();

    // What a crash mid-upload would leave behind: removed at the next start.
    Path leftover = dataDir.resolve("tmp/uploads/crashed.part");
    Files.writeString(leftover, "partial bytes");

    market = start(dataDir, port, managementPort);
    assertThat(leftover).doesNotExist();
    byte[] model = Fixtures.bytes(Market.DIGITS_MODEL);
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
    given().auth().oauth2(ADMIN_TOKEN).get("/api/v1/me").then().statusCode(200);
    MarketProcess.interruptAndWait(market);
  }

  @Test
  void aMarketKilledWithSigkillLeavesItsDatabaseRunningAndTheNextStartTakesItOver()
      throws Exception {
    Uploaded first = startAndUpload("killed", "acknowledged");
    Path dataDir = first.dataDir();
    String owner = first.owner();
    market.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9: no shutdown hook runs
    long orphan =
        Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0));
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive))
        .as("PostgreSQL outlives the killed market")
        .contains(true);

    market = start(dataDir, first.port(), first.managementPort());
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    given()
        .get("/api/v1/learnwares/{owner}/acknowledged", owner)
        .then()
        .statusCode(200)
        .body("versions[0].sha256", equalTo(Sha256.of(Fixtures.bytes(Market.DIGITS_MODEL))));
    MarketProcess.interruptAndWait(market);
  }

  /** A market on a fresh data directory, with a user who has uploaded the digits fixture. */
  private record Uploaded(Path dataDir, int port, int managementPort, String token, String owner) {}

  private Uploaded startAndUpload(String user, String learnware) throws IOException {
    Path dataDir = Files.createTempDirectory("market-" + user + "-");
    int port = MarketProcess.freePort();
    int managementPort = MarketProcess.freePort();
    RestAssured.port = port;
    market = start(dataDir, port, managementPort);
    String token = Market.newUser(user, ADMIN_TOKEN);
    String owner = Market.usernameOf(token);
    Market.uploadDigits(token, owner, learnware).then().statusCode(201);
    return new Uploaded(dataDir, port, managementPort, token, owner);
  }

  private static Process start(Path dataDir, int port, int managementPort) throws IOException {
    return MarketProcess.start(
        dataDir, port, managementPort, Map.of("LEARNWARE_ADMIN_TOKEN", ADMIN_TOKEN));
  }
}
