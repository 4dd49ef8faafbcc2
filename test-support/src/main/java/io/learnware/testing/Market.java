package io.learnware.testing;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.rkme.RealData;
import io.learnware.spec.rkme.Rkme;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * A market under test, driven over real HTTP as a client would: users, uploads of the fixtures, job
 * requests, and a stand-in worker that claims jobs without running any model. Every request goes
 * through REST Assured's {@code given()}, so to the market REST Assured points at (Quarkus points
 * it at a {@code @QuarkusTest}'s, it/'s {@code MarketFixture} at its process); an implementation
 * says where the market's tokens come from.
 */
public interface Market {

  /** A market whose tokens are known beforehand, as a {@code @QuarkusTest}'s settings give them. */
  static Market withTokens(String adminToken, String workerToken) {
    return new Tokens(adminToken, workerToken);
  }

  /** The tokens alone: {@link #withTokens}. */
  record Tokens(String adminToken, String workerToken) implements Market {}

  /** The token of the site admin {@code admin}. */
  String adminToken();

  /** The token workers claim jobs with (the one {@code bin/market} gives its local worker). */
  String workerToken();

  /** {@code http://localhost:PORT}, as clients outside REST Assured (CLI, workers) reach it. */
  default URI uri() {
    return URI.create(RestAssured.baseURI + ":" + RestAssured.port);
  }

  /** Creates a fresh user {@code prefix-XXXXXXXX} through the admin and returns its token. */
  default String newUser(String prefix) {
    String username = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    return given()
        .auth()
        .oauth2(adminToken())
        .contentType("application/json")
        .body(Map.of("username", username))
        .post("/api/v1/users")
        .then()
        .statusCode(201)
        .extract()
        .path("token");
  }

  default String usernameOf(String token) {
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
  default RequestSpecification digitsUpload(String token) {
    return fixtureUpload(token, "digits-mlp");
  }

  default Response uploadDigits(String token, String owner, String name) {
    return digitsUpload(token).post("/api/v1/learnwares/{owner}/{name}/versions", owner, name);
  }

  /**
   * Uploads {@code fixtures/<fixture>} (its {@code spec.json}, {@code model.pt} and {@code
   * features.pt} where it has one) as {@code owner/name}.
   */
  default void uploadFixture(String token, String owner, String name, String fixture) {
    fixtureUpload(token, fixture)
        .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name)
        .then()
        .statusCode(201);
  }

  /**
   * Uploads {@code owner/name} with the given spec text and model fixture, and the digits feature
   * extractor as {@code features.pt} (the digits spec names it).
   */
  default Response upload(
      String token, String owner, String name, String spec, String modelFixture) {
    return upload(token, owner, name, spec, modelFixture, null);
  }

  /** As above, creating the learnware with {@code visibility} (null for the market's default). */
  default Response upload(
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
            "file",
            "features.pt",
            Fixtures.bytes(Fixtures.DIGITS_FEATURES),
            "application/octet-stream")
        .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name);
  }

  /**
   * Uploads {@code fixtures/<name>} (digits-low or digits-high: an MLP trained on part of the
   * digits) with the RKME of the training rows it was trained on, those whose label passes {@code
   * part}.
   */
  default void uploadDigitsHalf(String token, String owner, String name, IntPredicate part) {
    ObjectNode spec = Fixtures.json(Fixtures.text(name + "/spec.json"));
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
        .multiPart(
            "spec",
            "spec.json",
            spec.toString().getBytes(StandardCharsets.UTF_8),
            "application/json")
        .multiPart(
            "model", "model.pt", Fixtures.bytes(name + "/model.pt"), "application/octet-stream")
        .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name)
        .then()
        .statusCode(201);
  }

  /**
   * Uploads both halves, {@code owner/digits-low} (the 0–4s) and {@code owner/digits-high} (the
   * 5–9s), as {@link Ensembles#halves} pins them.
   */
  default void uploadDigitsHalves(String token, String owner) {
    uploadDigitsHalf(token, owner, "digits-low", label -> label < 5);
    uploadDigitsHalf(token, owner, "digits-high", label -> label >= 5);
  }

  /** Uploads a gzipped CSV of {@code fixtures/} as the data set {@code owner/name}. */
  default void uploadDataset(String token, String owner, String name, String fixture) {
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

  /** {@code POST /jobs} as {@code token}'s user: the answer, whatever it is. */
  default Response postJob(String token, Map<String, ?> request) {
    return given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(request)
        .post("/api/v1/jobs");
  }

  /** {@code POST /jobs}: the id of the job queued (202). */
  default String requestJob(String token, Map<String, ?> request) {
    return postJob(token, request).then().statusCode(202).extract().path("id");
  }

  /**
   * Plays a worker that runs no model: claims every queued validation and reports it usable, for
   * tests that need USABLE versions without DJL. Returns the job ids.
   */
  default List<String> validateAll() {
    List<String> done = new ArrayList<>();
    for (Response claim = claim("validate"); claim.statusCode() == 200; claim = claim("validate")) {
      String id = claim.path("id");
      given()
          .auth()
          .oauth2(workerToken())
          .header("Lease-Id", claim.<String>path("leaseId"))
          .multiPart(
              "report",
              "{\"usable\": true, \"loads\": true, \"log\": [\"accepted by the test worker\"]}")
          .post("/api/v1/worker/jobs/{id}/complete", id)
          .then()
          .statusCode(200);
      done.add(id);
    }
    return done;
  }

  /** One claim of the given job types, as a stand-in worker named {@code test-worker}. */
  default Response claim(String... types) {
    return given()
        .auth()
        .oauth2(workerToken())
        .contentType("application/json")
        .body(Map.of("workerId", "test-worker", "types", List.of(types), "device", "cpu"))
        .post("/api/v1/worker/claim");
  }

  private static RequestSpecification fixtureUpload(String token, String fixture) {
    RequestSpecification request =
        given()
            .auth()
            .oauth2(token)
            .multiPart(
                "spec", "spec.json", Fixtures.bytes(fixture + "/spec.json"), "application/json")
            .multiPart(
                "model",
                "model.pt",
                Fixtures.bytes(fixture + "/model.pt"),
                "application/octet-stream");
    Path features = Fixtures.path(fixture + "/features.pt");
    return Files.exists(features)
        ? request.multiPart(
            "file",
            "features.pt",
            Fixtures.bytes(fixture + "/features.pt"),
            "application/octet-stream")
        : request;
  }
}
