package io.learnware.market.account;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class AccountsTest {

  @Test
  void firstStartCreatedTheAdminWithTheConfiguredToken() {
    given()
        .auth()
        .oauth2(EmbeddedPostgresResource.ADMIN_TOKEN)
        .get("/api/v1/me")
        .then()
        .statusCode(200)
        .body("username", equalTo("admin"))
        .body("roles", contains("user", "admin"));
  }

  @Test
  void adminCreatesUsersWhoManageTheirOwnTokens() {
    String username = "carol-" + UUID.randomUUID().toString().substring(0, 8);
    String first =
        given()
            .auth()
            .oauth2(EmbeddedPostgresResource.ADMIN_TOKEN)
            .contentType("application/json")
            .body("{\"username\": \"" + username + "\"}")
            .post("/api/v1/users")
            .then()
            .statusCode(201)
            .body("username", equalTo(username))
            .body("token", startsWith("lw_"))
            .extract()
            .path("token");

    given().auth().oauth2(first).get("/api/v1/me").then().body("roles", contains("user"));

    String second =
        given()
            .auth()
            .oauth2(first)
            .contentType("application/json")
            .body("{\"name\": \"ci\"}")
            .post("/api/v1/tokens")
            .then()
            .statusCode(201)
            .body("name", equalTo("ci"))
            .body("prefix", startsWith("lw_"))
            .extract()
            .path("token");
    String secondId =
        given()
            .auth()
            .oauth2(first)
            .get("/api/v1/tokens")
            .then()
            .statusCode(200)
            .body("$", hasSize(2))
            .body("name", contains("initial", "ci"))
            .body("token", contains(nullValue(), nullValue()))
            .extract()
            .path("[1].id");

    given()
        .auth()
        .oauth2(second)
        .get("/api/v1/me")
        .then()
        .statusCode(200)
        .body("username", equalTo(username));
    given().auth().oauth2(first).delete("/api/v1/tokens/{id}", secondId).then().statusCode(204);
    given().auth().oauth2(second).get("/api/v1/me").then().statusCode(401);
    given()
        .auth()
        .oauth2(first)
        .delete("/api/v1/tokens/{id}", secondId)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  @Test
  void onlyAdminsCreateUsersAndNamesAreValidatedAndUnique() {
    String user = MARKET.newUser("dave");
    given()
        .auth()
        .oauth2(user)
        .contentType("application/json")
        .body("{\"username\": \"eve-1\"}")
        .post("/api/v1/users")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    given()
        .auth()
        .oauth2(EmbeddedPostgresResource.ADMIN_TOKEN)
        .contentType("application/json")
        .body("{\"username\": \"Not Valid\"}")
        .post("/api/v1/users")
        .then()
        .statusCode(400)
        .body("violations.pointer", contains("/username"));
    given()
        .auth()
        .oauth2(EmbeddedPostgresResource.ADMIN_TOKEN)
        .contentType("application/json")
        .body("{\"username\": \"admin\"}")
        .post("/api/v1/users")
        .then()
        .statusCode(409)
        .body("detail", equalTo("The name 'admin' is taken (by a user or an organisation)."));
    given()
        .auth()
        .oauth2(EmbeddedPostgresResource.ADMIN_TOKEN)
        .contentType("application/json")
        .body("{broken")
        .post("/api/v1/users")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", not(equalTo(null)));
  }
}
