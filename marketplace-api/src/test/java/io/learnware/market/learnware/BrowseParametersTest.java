package io.learnware.market.learnware;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Paging parameters out of range are a 400 naming the parameter, never a 404 or a 500. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class BrowseParametersTest {

  @Test
  void outOfRangePagesAndSizesAre400WithTheirPointer() {
    for (String[] bad :
        new String[][] {
          {"page", "2147483648"},
          {"page", "-1"},
          {"page", "two"},
          {"size", "0"},
          {"size", "101"},
          {"size", "99999999999999999999"}
        }) {
      given()
          .queryParam(bad[0], bad[1])
          .get("/api/v1/learnwares")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("violations[0].pointer", equalTo("/" + bad[0]));
    }
    given()
        .queryParam("page", "1000000")
        .queryParam("size", "100")
        .get("/api/v1/learnwares")
        .then()
        .statusCode(200)
        .body("items.size()", equalTo(0))
        .body("page", equalTo(1000000));
  }
}
