package io.learnware.market.learnware;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.spec.SpecDocuments;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * Beimingwu's formats over HTTP: its RKME JSON in (upload, search) and out ({@code
 * …/spec/statistical?format=beimingwu}), its learnware zip ({@code …/download?format=beimingwu}),
 * and every refusal of an RKME naming its cause by JSON Pointer, on upload and on search.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class BeimingwuRoutesTest {

  /** Written as Beimingwu's save() writes (fixtures/beimingwu_rkme.py). */
  private static final String SAMPLE = Fixtures.text("beimingwu/digits-rkme.json");

  @Test
  void anRkmeUploadedInBeimingwusFormatComesBackInItUnchanged() throws IOException {
    String token = MARKET.newUser("bmw-rkme");
    String owner = MARKET.usernameOf(token);
    upload(token, owner, "digits", withStatistical(SAMPLE)).statusCode(201);

    String exported =
        given()
            .get(
                "/api/v1/learnwares/{owner}/digits/versions/1/spec/statistical?format=beimingwu",
                owner)
            .then()
            .statusCode(200)
            .contentType("application/json")
            .extract()
            .asString();
    // The same members, in save()'s order, with the very same numbers.
    JsonNode saved = SpecDocuments.mapper().readTree(SAMPLE);
    assertThat(SpecDocuments.mapper().readTree(exported).equals(saved))
        .as("the export equals the file Beimingwu's save() wrote")
        .isTrue();
    assertThat(exported).startsWith("{\"z\":[[").endsWith("\"type\":\"RKMETableSpecification\"}");

    given()
        .get("/api/v1/learnwares/{owner}/digits/versions/latest/spec/statistical", owner)
        .then()
        .statusCode(200)
        .body("type", equalTo("rkme-table"))
        .body("dimension", equalTo(64))
        .body("numPoints", equalTo(1437))
        .body("beta.size()", equalTo(100));
    given()
        .get("/api/v1/learnwares/{owner}/digits/versions/1/spec/statistical?format=pickle", owner)
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/format"));
  }

  @Test
  void aVersionWithoutRkmeHasNoStatisticalSpecification() {
    String token = MARKET.newUser("bmw-none");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "plain").then().statusCode(201);

    given()
        .get("/api/v1/learnwares/{owner}/plain/versions/1/spec/statistical", owner)
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", containsString("has no statistical specification"));
  }

  @Test
  void theBeimingwuZipHoldsTheModelTheRkmeAndTheSemanticSpec() throws IOException {
    String token = MARKET.newUser("bmw-zip");
    String owner = MARKET.usernameOf(token);
    upload(token, owner, "digits", withStatistical(SAMPLE)).statusCode(201);

    byte[] zip =
        given()
            .get("/api/v1/learnwares/{owner}/digits/versions/1/download?format=beimingwu", owner)
            .then()
            .statusCode(200)
            .contentType("application/zip")
            .header(
                "Content-Disposition",
                equalTo("attachment; filename=\"" + owner + "-digits-v1-beimingwu.zip\""))
            .extract()
            .asByteArray();

    Map<String, byte[]> entries = unzip(zip);
    assertThat(entries.keySet())
        .containsExactly(
            "learnware.yaml",
            "__init__.py",
            "market.json",
            "model.pt",
            "stat.json",
            "semantic_specification.json",
            "requirements.txt");
    assertThat(entries.get("model.pt")).isEqualTo(Fixtures.bytes(Fixtures.DIGITS_MODEL));
    assertThat(
            SpecDocuments.mapper()
                .readTree(entries.get("stat.json"))
                .equals(SpecDocuments.mapper().readTree(SAMPLE)))
        .isTrue();
    JsonNode market = SpecDocuments.mapper().readTree(entries.get("market.json"));
    assertThat(market.get("learnware").asText()).isEqualTo(owner + "/digits@1");
    JsonNode semantic = SpecDocuments.mapper().readTree(entries.get("semantic_specification.json"));
    assertThat(semantic.get("Task").get("Values").get(0).asText()).isEqualTo("Classification");

    given()
        .get("/api/v1/learnwares/{owner}/digits/versions/1/download", owner)
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/format"));
  }

  @Test
  void privateLearnwaresStayPrivateInBothFormats() {
    String token = MARKET.newUser("bmw-private");
    String owner = MARKET.usernameOf(token);
    MARKET
        .upload(token, owner, "hidden", withStatistical(SAMPLE), Fixtures.DIGITS_MODEL, "private")
        .then()
        .statusCode(201);

    for (String route :
        new String[] {"spec/statistical?format=beimingwu", "download?format=beimingwu"}) {
      given()
          .get("/api/v1/learnwares/{owner}/hidden/versions/1/" + route, owner)
          .then()
          .statusCode(404);
      given()
          .auth()
          .oauth2(token)
          .get("/api/v1/learnwares/{owner}/hidden/versions/1/" + route, owner)
          .then()
          .statusCode(200);
    }
  }

  @Test
  void everyRefusedRkmeNamesItsCauseOnUploadAndOnSearch() throws IOException {
    String token = MARKET.newUser("bmw-refuse");
    String owner = MARKET.usernameOf(token);

    // NaN and Infinity as Python's json.dump writes them: bare tokens.
    String nan = SAMPLE.replaceFirst("\"z\":\\[\\[0\\.0,", "\"z\":[[NaN,");
    String infinite = SAMPLE.replace("\"gamma\":0.1", "\"gamma\":Infinity");
    ObjectNode shortRow = sample();
    ((ArrayNode) shortRow.get("z").get(3)).remove(0);
    ObjectNode negative = sample();
    ((ArrayNode) negative.get("beta")).set(1, -0.5);
    ObjectNode offSimplex = sample();
    ((ArrayNode) offSimplex.get("beta")).set(0, 0.9);
    ObjectNode wrongLength = sample();
    ((ArrayNode) wrongLength.get("beta")).remove(99);

    Map<String, String[]> cases = new LinkedHashMap<>();
    cases.put(nan, new String[] {"/z/0/0", "must be a finite number"});
    cases.put(infinite, new String[] {"/gamma", "must be a finite number"});
    cases.put(
        SAMPLE.replace("\"gamma\":0.1", "\"gamma\":NaN"),
        new String[] {"/gamma", "must be a finite number"});
    cases.put(shortRow.toString(), new String[] {"/z/3", "has 63 values"});
    cases.put(negative.toString(), new String[] {"/beta/1", null});
    cases.put(offSimplex.toString(), new String[] {"/beta", null});
    cases.put(wrongLength.toString(), new String[] {"/beta", null});

    for (Map.Entry<String, String[]> c : cases.entrySet()) {
      String pointer = c.getValue()[0];
      ValidatableResponse upload =
          upload(token, owner, "refused", withStatistical(c.getKey()))
              .statusCode(400)
              .contentType("application/problem+json")
              .body("violations.pointer", hasItem("/spec/statistical" + pointer));
      ValidatableResponse search =
          given()
              .contentType("application/json")
              .body("{\"statistical\": " + c.getKey() + "}")
              .post("/api/v1/search")
              .then()
              .statusCode(400)
              .contentType("application/problem+json")
              .body("violations.pointer", hasItem("/statistical" + pointer));
      if (c.getValue()[1] != null) {
        upload.body("violations.message", hasItem(containsString(c.getValue()[1])));
        search.body("violations.message", hasItem(containsString(c.getValue()[1])));
      }
    }
    // A search body that is not JSON at all says where it breaks.
    given()
        .contentType("application/json")
        .body("{\"statistical\": {\"z\": [[1, 2]")
        .post("/api/v1/search")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("violations[0].pointer", equalTo(""))
        .body("violations[0].message", containsString("is not valid JSON (line 1, column"));
    // Other JSON routes, whose bodies the REST layer reads, say what its parser said (it wraps
    // parse errors in a bare 400).
    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body("{\"version\": NaN}")
        .put("/api/v1/learnwares/{owner}/refused/aliases/prod", owner)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("The request body is not valid JSON"))
        .body("detail", containsString("NaN"));
    // A member of the wrong type is named too.
    given()
        .contentType("application/json")
        .body("{\"limit\": \"ten\"}")
        .post("/api/v1/search")
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/limit"));
  }

  @Test
  void aBeimingwuQueryFindsTheLearnwareOfTheSameData() {
    String token = MARKET.newUser("bmw-search");
    String owner = MARKET.usernameOf(token);
    upload(token, owner, "digits", withStatistical(SAMPLE)).statusCode(201);

    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(
            "{\"filters\": {\"owner\": \""
                + owner
                + "\", \"state\": \"PENDING\"}, \"statistical\": "
                + SAMPLE
                + "}")
        .post("/api/v1/search")
        .then()
        .statusCode(200)
        .body("single[0].learnware", equalTo(owner + "/digits@1"))
        .body("single[0].mmd", equalTo(0f));
  }

  private static ObjectNode sample() throws IOException {
    return (ObjectNode) SpecDocuments.mapper().readTree(SAMPLE);
  }

  /** The digits spec with {@code statistical} set to the given JSON text. */
  private static String withStatistical(String statistical) {
    String spec = Fixtures.text(Fixtures.DIGITS_SPEC).strip();
    return spec.substring(0, spec.length() - 1) + ", \"statistical\": " + statistical + "}";
  }

  private static ValidatableResponse upload(String token, String owner, String name, String spec) {
    return MARKET.upload(token, owner, name, spec, Fixtures.DIGITS_MODEL).then();
  }

  private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.put(e.getName(), in.readAllBytes());
      }
    }
    return entries;
  }
}
