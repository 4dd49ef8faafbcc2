package io.learnware.market.learnware;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

/** An upload of thousands of form parts is a 400 problem (issue 13: it was a 500). */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class TooManyPartsTest {

  @Test
  void twoThousandFormPartsAreA400Problem() {
    String token = MARKET.newUser("parts");
    String owner = MARKET.usernameOf(token);
    RequestSpecification upload =
        given()
            .auth()
            .oauth2(token)
            .multiPart(
                "spec", "spec.json", Fixtures.bytes(Fixtures.DIGITS_SPEC), "application/json");
    for (int i = 0; i < 2000; i++) {
      upload.multiPart("note" + i, "x");
    }
    upload
        .post("/api/v1/learnwares/{owner}/parts/versions", owner)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("status", equalTo(400))
        .body("detail", containsString("form"));
    given().get("/api/v1/learnwares/{owner}/parts", owner).then().statusCode(404);
  }
}
