package io.learnware.market.learnware;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A market configured to keep new learnwares private unless their uploader says otherwise. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
@TestProfile(DefaultVisibilityTest.PrivateByDefault.class)
class DefaultVisibilityTest {

  public static class PrivateByDefault implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("learnware.default-visibility", "private");
    }
  }

  @Test
  void newLearnwaresTakeTheConfiguredVisibilityUnlessTheUploaderChooses() {
    String token = MARKET.newUser("private-default");
    String owner = MARKET.usernameOf(token);

    MARKET.uploadDigits(token, owner, "quiet").then().statusCode(201);
    MARKET
        .digitsUpload(token)
        .queryParam("visibility", "public")
        .post("/api/v1/learnwares/{owner}/open/versions", owner)
        .then()
        .statusCode(201);

    given().get("/api/v1/learnwares/{owner}/quiet", owner).then().statusCode(404);
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/learnwares/{owner}/quiet", owner)
        .then()
        .statusCode(200)
        .body("visibility", equalTo("private"));
    given()
        .get("/api/v1/learnwares/{owner}/open", owner)
        .then()
        .statusCode(200)
        .body("visibility", equalTo("public"));
    // A later upload cannot flip it; that is the admins' PUT …/visibility.
    MARKET
        .digitsUpload(token)
        .queryParam("visibility", "public")
        .post("/api/v1/learnwares/{owner}/quiet/versions", owner)
        .then()
        .statusCode(409);
    MARKET
        .digitsUpload(token)
        .queryParam("visibility", "secret")
        .post("/api/v1/learnwares/{owner}/other/versions", owner)
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/visibility"));
  }
}
