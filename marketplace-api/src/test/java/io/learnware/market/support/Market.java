package io.learnware.market.support;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.rkme.RealData;
import io.learnware.spec.rkme.Rkme;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.ConfigProvider;

/** Helpers that drive the API over real HTTP, as a client would. */
public final class Market {

  public static final String DIGITS_SPEC = "digits-mlp/spec.json";
  public static final String DIGITS_MODEL = "digits-mlp/model.pt";
  public static final String DIGITS_FEATURES = "digits-mlp/features.pt";

  private Market() {}

  /** The test market's URL, as a client outside REST Assured reaches it. */
  public static URI server() {
    int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    return URI.create("http://localhost:" + port);
  }

  /** Creates a fresh user through the admin and returns its token. */
  public static String newUser(String prefix) {
    return newUser(prefix, EmbeddedPostgresResource.ADMIN_TOKEN);
  }

  public static String newUser(String prefix, String adminToken) {
    String username = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    return given()
        .auth()
        .oauth2(adminToken)
        .contentType("application/json")
        .body("{\"username\": \"" + username + "\"}")
        .post("/api/v1/users")
        .then()
        .statusCode(201)
        .extract()
        .path("token");
  }

  public static String usernameOf(String token) {
    return given()
        .auth()
        .oauth2(token)
        .get("/api/v1/me")
        .then()
        .statusCode(200)
        .extract()
        .path("username");
  }

  /** A multipart upload request with the digits fixture's spec, model and feature extractor. */
  public static RequestSpecification digitsUpload(String token) {
    return given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", Fixtures.bytes(DIGITS_SPEC), "application/json")
        .multiPart("model", "model.pt", Fixtures.bytes(DIGITS_MODEL), "application/octet-stream")
        .multiPart(
            "file", "features.pt", Fixtures.bytes(DIGITS_FEATURES), "application/octet-stream");
  }

  /** Parses a JSON object, e.g. a fixture spec to vary. */
  public static ObjectNode json(String text) {
    try {
      return (ObjectNode) SpecDocuments.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Uploads {@code owner/name} with the given spec text and model fixture, and the digits feature
   * extractor as {@code features.pt} (the digits spec names it).
   */
  public static Response upload(
      String token, String owner, String name, String spec, String modelFixture) {
    return upload(token, owner, name, spec, modelFixture, null);
  }

  /** As above, creating the learnware with {@code visibility} (null for the market's default). */
  public static Response upload(
      String token,
      String owner,
      String name,
      String spec,
      String modelFixture,
      String visibility) {
    RequestSpecification request = given();
    if (visibility != null) {
      request = request.queryParam("visibility", visibility);
    }
    return request
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", spec.getBytes(StandardCharsets.UTF_8), "application/json")
        .multiPart("model", "model.pt", Fixtures.bytes(modelFixture), "application/octet-stream")
        .multiPart(
            "file", "features.pt", Fixtures.bytes(DIGITS_FEATURES), "application/octet-stream")
        .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name);
  }

  public static Response uploadDigits(String token, String owner, String name) {
    return digitsUpload(token).post("/api/v1/learnwares/{owner}/{name}/versions", owner, name);
  }

  /**
   * Uploads {@code fixtures/<name>} (digits-low or digits-high: an MLP trained on part of the
   * digits) with the RKME of the training rows it was trained on, those whose label passes {@code
   * part}.
   */
  public static void uploadDigitsHalf(String token, String owner, String name, IntPredicate part) {
    ObjectNode spec = json(Fixtures.text(name + "/spec.json"));
    int[] training = IntStream.range(0, 1437).toArray();
    spec.set(
        "statistical",
        SpecDocuments.mapper()
            .valueToTree(
                Rkme.builder()
                    .setData(RealData.digits().rows(training).where(part).x())
                    .build()
                    .toSpec()));
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", spec.toString().getBytes(), "application/json")
        .multiPart(
            "model", "model.pt", Fixtures.bytes(name + "/model.pt"), "application/octet-stream")
        .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name)
        .then()
        .statusCode(201);
  }

  /** Uploads a gzipped CSV of {@code fixtures/} as the data set {@code owner/name}. */
  public static void uploadDataset(String token, String owner, String name, String fixture) {
    given()
        .auth()
        .oauth2(token)
        .multiPart(
            "data",
            Path.of(fixture).getFileName().toString(),
            Fixtures.bytes(fixture),
            "application/gzip")
        .post("/api/v1/datasets/{owner}/{name}", owner, name)
        .then()
        .statusCode(201);
  }

  /** {@code POST /jobs}: the id of the job queued (202). */
  public static String requestJob(String token, Map<String, ?> request) {
    return given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(request)
        .post("/api/v1/jobs")
        .then()
        .statusCode(202)
        .extract()
        .path("id");
  }
}
