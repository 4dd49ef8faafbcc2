package io.learnware.market.learnware;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.spec.reuse.EnsembleManifest.Method;
import io.learnware.testing.Ensembles;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whoever may read a published ensemble may read its members: it pins public learnwares, or private
 * ones of its own namespace when it is private itself; uploads and visibility changes that would
 * break that are refused, and strangers cannot pin what they cannot see.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class PrivateEnsemblesTest {

  @Test
  void ensemblesPinOnlyWhatTheirReadersMayRead() {
    String token = MARKET.newUser("ensembler");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigitsHalves(token, owner);
    MARKET.validateAll();
    visibility(token, owner, "digits-high", "private").statusCode(200);
    byte[] both = Ensembles.manifest(Method.MEAN, Ensembles.halves(owner));

    Ensembles.upload(token, owner, "open", both)
        .then()
        .statusCode(409)
        .body("detail", containsString("cannot pin the private " + owner + "/digits-high"));
    Ensembles.upload(token, owner, "closed", Ensembles.spec("Closed"), both).then().statusCode(409);
    given()
        .auth()
        .oauth2(token)
        .queryParam("visibility", "private")
        .multiPart("spec", "spec.json", Ensembles.spec("Closed").getBytes(), "application/json")
        .multiPart("model", "ensemble.json", both, "application/json")
        .post("/api/v1/learnwares/{owner}/closed/versions", owner)
        .then()
        .statusCode(201);
    visibility(token, owner, "closed", "public")
        .statusCode(409)
        .body("detail", containsString("pins the private " + owner + "/digits-high"));

    // A stranger's ensemble cannot pin the private half, nor learn that it exists.
    String stranger = MARKET.newUser("stranger");
    String strangerName = MARKET.usernameOf(stranger);
    Ensembles.upload(stranger, strangerName, "copy", both)
        .then()
        .statusCode(404)
        .body("detail", equalTo("No learnware " + owner + "/digits-high."));

    // The public half, pinned by a public ensemble, stays public.
    Ensembles.upload(stranger, strangerName, "lows", lowAndOther(owner)).then().statusCode(201);
    visibility(token, owner, "digits-low", "private")
        .statusCode(409)
        .body(
            "detail",
            equalTo(
                owner
                    + "/digits-low cannot become private: it is pinned by "
                    + strangerName
                    + "/lows@1, and an ensemble pins only public learnwares or private ones of its"
                    + " own namespace."));
  }

  /** An ensemble of the public digits-low and a public copy of digits-high in {@code owner}'s. */
  private static byte[] lowAndOther(String owner) {
    String token = MARKET.newUser("copier");
    String copier = MARKET.usernameOf(token);
    MARKET.uploadDigitsHalf(token, copier, "digits-high", l -> l >= 5);
    MARKET.validateAll();
    return Ensembles.manifest(
        Method.MEAN,
        List.of(
            Ensembles.halves(owner).getFirst(),
            Ensembles.pin(copier + "/digits-high@1", "digits-high/model.pt")));
  }

  private static io.restassured.response.ValidatableResponse visibility(
      String token, String owner, String name, String visibility) {
    return given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(Map.of("visibility", visibility))
        .put("/api/v1/learnwares/{owner}/{name}/visibility", owner, name)
        .then();
  }
}
