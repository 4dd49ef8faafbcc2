package io.learnware.market.storage;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With less free disk than the reserve, uploads are refused with 507 and nothing is stored. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
@TestProfile(DiskReserveTest.NoRoom.class)
class DiskReserveTest {

  /** A reserve no disk here has: every upload finds the disk "nearly full". */
  public static class NoRoom implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("learnware.upload.min-free-disk", "1000000G");
    }
  }

  @Test
  void uploadsAndDataSetsAreRefusedWith507WhileTheDiskIsBelowTheReserve() {
    String token = MARKET.newUser("full");
    String owner = MARKET.usernameOf(token);

    MARKET
        .uploadDigits(token, owner, "nowhere")
        .then()
        .statusCode(507)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:learnware:problem:insufficient-storage"))
        .body("detail", containsString("kept in reserve"));
    given().get("/api/v1/learnwares/{owner}/nowhere", owner).then().statusCode(404);
    given()
        .auth()
        .oauth2(token)
        .multiPart("data", "train.csv.gz", Fixtures.bytes("data/digits-train.csv.gz"))
        .post("/api/v1/datasets/{owner}/nowhere", owner)
        .then()
        .statusCode(507)
        .contentType("application/problem+json");
  }
}
