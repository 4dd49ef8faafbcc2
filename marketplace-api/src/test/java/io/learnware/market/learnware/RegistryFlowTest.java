package io.learnware.market.learnware;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.learnware.market.storage.Sha256;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class RegistryFlowTest {

  @Test
  void uploadListGetAndDownloadReturnTheSameBytes() {
    String token = MARKET.newUser("flow");
    String owner = MARKET.usernameOf(token);
    byte[] model = Fixtures.bytes(Fixtures.DIGITS_MODEL);
    String sha = Sha256.of(model);

    MARKET
        .uploadDigits(token, owner, "digits")
        .then()
        .statusCode(201)
        .header("Location", endsWith("/api/v1/learnwares/" + owner + "/digits/versions/1"))
        .body("owner", equalTo(owner))
        .body("name", equalTo("digits"))
        .body("version", equalTo(1))
        .body("sha256", equalTo(sha))
        .body("state", equalTo("PENDING"));

    // Until a worker validates it, only its owner lists it.
    given().queryParam("owner", owner).get("/api/v1/learnwares").then().body("total", equalTo(0));
    given()
        .auth()
        .oauth2(token)
        .queryParam("owner", owner)
        .queryParam("state", "PENDING")
        .get("/api/v1/learnwares")
        .then()
        .statusCode(200)
        .body("items.learnware", contains(owner + "/digits"))
        .body("items[0].state", equalTo("PENDING"));
    given()
        .queryParam("owner", owner)
        .queryParam("state", "PENDING")
        .get("/api/v1/learnwares")
        .then()
        .statusCode(401);
    MARKET.validateAll();

    given()
        .queryParam("owner", owner)
        .get("/api/v1/learnwares")
        .then()
        .statusCode(200)
        .body("total", equalTo(1))
        .body("items.learnware", contains(owner + "/digits"))
        .body("items[0].version", equalTo(1))
        .body("items[0].title", equalTo("Handwritten digits MLP"))
        .body("items[0].dataType", equalTo("table"))
        .body("items[0].tags", contains("digits", "handwriting"));

    given()
        .get("/api/v1/learnwares/{owner}/digits", owner)
        .then()
        .statusCode(200)
        .body("latest", equalTo(1))
        .body("aliases.latest", equalTo(1))
        .body("versions.version", contains(1))
        .body("versions[0].sha256", equalTo(sha));

    given()
        .get("/api/v1/learnwares/{owner}/digits/versions/latest", owner)
        .then()
        .statusCode(200)
        .body("learnware", equalTo(owner + "/digits@1"))
        .body("state", equalTo("USABLE"))
        .body("validationLog", equalTo("accepted by the test worker\n"))
        .body("reports[0].type", equalTo("validate"))
        .body("reports[0].report.usable", equalTo(true))
        .body("aliases", contains("latest"))
        .body("model.format", equalTo("torchscript"))
        .body("model.size", equalTo(model.length))
        .body("files[0].filename", equalTo("features.pt"))
        .body("spec.input.dimension", equalTo(64))
        .body("spec.output.labels", hasItem("7"));

    given()
        .get("/api/v1/learnwares/{owner}/digits/versions/1/spec", owner)
        .then()
        .statusCode(200)
        .body("name", equalTo("Handwritten digits MLP"))
        .body("model.featureExtractor.dimension", equalTo(32));

    byte[] downloaded =
        given()
            .get("/api/v1/learnwares/{owner}/digits/versions/1/artifact", owner)
            .then()
            .statusCode(200)
            .header("ETag", equalTo("\"" + sha + "\""))
            .extract()
            .asByteArray();
    assertThat(downloaded).isEqualTo(model);

    given()
        .header("If-None-Match", "\"" + sha + "\"")
        .get("/api/v1/learnwares/{owner}/digits/versions/1/artifact", owner)
        .then()
        .statusCode(304);

    byte[] features =
        given()
            .get("/api/v1/learnwares/{owner}/digits/versions/1/files/features.pt", owner)
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    assertThat(features).isEqualTo(Fixtures.bytes(Fixtures.DIGITS_FEATURES));
  }

  @Test
  void fullTextSearchFindsByDescriptionAndTagsRankedByRelevance() {
    String token = MARKET.newUser("fts");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "digits-text").then().statusCode(201);
    MARKET.validateAll();

    given()
        .queryParam("owner", owner)
        .queryParam("q", "handwritten pixel")
        .get("/api/v1/learnwares")
        .then()
        .statusCode(200)
        .body("total", equalTo(1))
        .body("items[0].name", equalTo("digits-text"));
    given()
        .queryParam("owner", owner)
        .queryParam("q", "handwriting")
        .queryParam("tag", "digits")
        .get("/api/v1/learnwares")
        .then()
        .body("total", equalTo(1));
    given()
        .queryParam("owner", owner)
        .queryParam("q", "sentiment")
        .get("/api/v1/learnwares")
        .then()
        .body("total", equalTo(0))
        .body("items.size()", equalTo(0));
    given()
        .queryParam("owner", owner)
        .queryParam("dataType", "image")
        .get("/api/v1/learnwares")
        .then()
        .body("total", equalTo(0));
  }

  @Test
  void browsePagesReflectUploadsAndDeletionsImmediately() {
    String token = MARKET.newUser("fresh");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "first").then().statusCode(201);
    MARKET.validateAll();
    given().queryParam("owner", owner).get("/api/v1/learnwares").then().body("total", equalTo(1));

    // The same query again after a write: a cached page must not hide the new learnware.
    MARKET.uploadDigits(token, owner, "second").then().statusCode(201);
    MARKET.validateAll();
    given()
        .queryParam("owner", owner)
        .get("/api/v1/learnwares")
        .then()
        .body("total", equalTo(2))
        .body("items.name", contains("second", "first"));

    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{owner}/second/versions/1", owner)
        .then()
        .statusCode(204);
    given()
        .queryParam("owner", owner)
        .get("/api/v1/learnwares")
        .then()
        .body("total", equalTo(1))
        .body("items.name", contains("first"));
  }

  @Test
  void aliasesAndVersionNumbersFollowTheContract() {
    String token = MARKET.newUser("alias");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "aliased").then().statusCode(201).body("version", equalTo(1));
    MARKET.uploadDigits(token, owner, "aliased").then().statusCode(201).body("version", equalTo(2));

    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body("{\"version\": 1}")
        .put("/api/v1/learnwares/{owner}/aliased/aliases/prod", owner)
        .then()
        .statusCode(200)
        .body("alias", equalTo("prod"))
        .body("version", equalTo(1));

    given()
        .get("/api/v1/learnwares/{owner}/aliased/versions/prod", owner)
        .then()
        .body("version", equalTo(1))
        .body("aliases", contains("prod"));
    given()
        .get("/api/v1/learnwares/{owner}/aliased", owner)
        .then()
        .body("latest", equalTo(2))
        .body("aliases.prod", equalTo(1));

    // The alias target cannot be deleted; an unaliased version can, and its number is never reused.
    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{owner}/aliased/versions/1", owner)
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body(
            "detail",
            equalTo("Version 1 is the target of alias 'prod'; point the alias elsewhere first."));
    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{owner}/aliased/versions/2", owner)
        .then()
        .statusCode(204);
    MARKET.uploadDigits(token, owner, "aliased").then().statusCode(201).body("version", equalTo(3));
    given()
        .get("/api/v1/learnwares/{owner}/aliased", owner)
        .then()
        .body("versions.version", contains(1, 3))
        .body("latest", equalTo(3));
  }
}
