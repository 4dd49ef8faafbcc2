package io.learnware.market.security;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Browser hardening headers on every kind of response, and names that display as stored. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class HttpHardeningTest {

  private static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self';"
          + " form-action 'self'; frame-ancestors 'none'";

  private static ValidatableResponse assertHardened(ValidatableResponse response) {
    return response
        .header("Content-Security-Policy", equalTo(CSP))
        .header("X-Content-Type-Options", equalTo("nosniff"))
        .header("X-Frame-Options", equalTo("DENY"))
        .header("Referrer-Policy", equalTo("no-referrer"));
  }

  @Test
  void theWebUiPageIsHardenedAndRevalidatedItsHashedAssetsAreImmutable() {
    String page =
        assertHardened(given().get("/").then().statusCode(200))
            .header("Cache-Control", equalTo("no-cache"))
            .extract()
            .asString();
    // The page has no inline script for the policy to block: only the bundle from /assets/.
    Matcher script = Pattern.compile("<script[^>]*>").matcher(page);
    while (script.find()) {
      org.assertj.core.api.Assertions.assertThat(script.group()).contains("src=\"/assets/");
    }
    Matcher bundle = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(page);
    org.assertj.core.api.Assertions.assertThat(bundle.find()).isTrue();
    assertHardened(given().get(bundle.group(1)).then().statusCode(200))
        .header("Cache-Control", equalTo("public, max-age=31536000, immutable"));
    assertHardened(given().get("/index.html").then().statusCode(200))
        .header("Cache-Control", equalTo("no-cache"));
  }

  @Test
  void apiAnswersAreHardened() {
    assertHardened(given().get("/api/v1/learnwares").then().statusCode(200))
        .header("Cache-Control", not(containsString("immutable")));
  }

  @Test
  void problemsAndNotFoundsAreHardened() {
    assertHardened(
        given()
            .get("/api/v1/learnwares/nobody/nothing")
            .then()
            .statusCode(404)
            .contentType("application/problem+json"));
    assertHardened(given().get("/no-such-page.html").then().statusCode(404));
    assertHardened(given().get("/assets/no-such-bundle.js").then().statusCode(404));
    assertHardened(
        given()
            .contentType("application/json")
            .body("{")
            .post("/api/v1/search")
            .then()
            .statusCode(400)
            .contentType("application/problem+json"));
  }

  @Test
  void swaggerUiGetsItsOwnPolicyStillUnframeable() {
    given()
        .get("/q/swagger-ui/")
        .then()
        .statusCode(200)
        .header("Content-Security-Policy", containsString("script-src 'self' 'unsafe-inline'"))
        .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
        .header("X-Frame-Options", equalTo("DENY"));
  }

  @Test
  void aLearnwareNameWithABidiOverrideIsRefusedWithItsPointer() {
    String token = MARKET.newUser("bidi");
    String owner = MARKET.usernameOf(token);
    var spec = Fixtures.json(Fixtures.text(Fixtures.DIGITS_SPEC));
    spec.put("name", "Digits \u202Egnp.exe");
    spec.with("output").withArray("labels").set(0, spec.textNode("0\u200B"));
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", spec.toString().getBytes(), "application/json")
        .multiPart(
            "model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL), "application/octet-stream")
        .multiPart(
            "file",
            "features.pt",
            Fixtures.bytes(Fixtures.DIGITS_FEATURES),
            "application/octet-stream")
        .post("/api/v1/learnwares/{owner}/bidi/versions", owner)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("violations.pointer", contains("/spec/name", "/spec/output/labels/0"))
        .body("violations[0].message", containsString("U+202E (RIGHT-TO-LEFT OVERRIDE)"));
    given().get("/api/v1/learnwares/{owner}/bidi", owner).then().statusCode(404);
  }

  @Test
  void aTokenNameWithInvisibleCharactersIsRefusedWithItsPointer() {
    String token = MARKET.newUser("bidi");
    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(Map.of("name", "laptop\u2066\u2069"))
        .post("/api/v1/tokens")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("violations.pointer", contains("/name"))
        .body(
            "violations[0].message",
            equalTo("must not contain control, bidi or invisible characters"));
  }
}
