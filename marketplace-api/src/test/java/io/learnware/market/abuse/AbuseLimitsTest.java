package io.learnware.market.abuse;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Rate limits, body caps and quotas, against limits small enough to reach ({@link TightLimits}).
 */
@QuarkusTest
@TestProfile(TightLimits.class)
@QuarkusTestResource(EmbeddedPostgresResource.class)
class AbuseLimitsTest {

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  /** A request from {@code address}, as the trusted proxy reports it. */
  private static RequestSpecification from(String address) {
    return given().header("X-Forwarded-For", address);
  }

  /** A 429 problem document naming the limit, with a whole number of seconds to wait. */
  private static void assertRateLimited(ValidatableResponse response, String limit) {
    response
        .statusCode(429)
        .contentType("application/problem+json")
        .header("Retry-After", matchesPattern("[1-9][0-9]*"))
        .body("type", equalTo("urn:learnware:problem:too-many-requests"))
        .body("status", equalTo(429))
        .body("detail", containsString("Rate limit '" + limit + "' exceeded"));
  }

  @Test
  void badTokensFromOneAddressAreCutOffWithRetryAfter() {
    for (int i = 0; i < 3; i++) {
      from("203.0.113.1").auth().oauth2("lw_guess-" + i).get("/api/v1/me").then().statusCode(401);
    }
    var refused = from("203.0.113.1").auth().oauth2("lw_guess-3").get("/api/v1/me").then();
    assertRateLimited(refused, "failed authentication");
    refused.body(
        "detail",
        equalTo(
            "Rate limit 'failed authentication' exceeded: 1 per minute (bursts of 3) per client"
                + " address; retry in "
                + refused.extract().header("Retry-After")
                + " s."));
    assertThat(Long.parseLong(refused.extract().header("Retry-After"))).isBetween(1L, 60L);

    // Even a good token is not looked at from that address until the bucket refills...
    String token = MARKET.newUser("locked");
    assertRateLimited(
        from("203.0.113.1").auth().oauth2(token).get("/api/v1/me").then(), "failed authentication");
    // ...the upload route included, and anonymous reads still work.
    assertRateLimited(
        from("203.0.113.1")
            .auth()
            .oauth2("lw_guess-4")
            .multiPart("spec", "{}")
            .post("/api/v1/learnwares/a/b/versions")
            .then(),
        "failed authentication");
    from("203.0.113.1").get("/api/v1/learnwares").then().statusCode(200);
    // Other addresses are not affected.
    from("203.0.113.2").auth().oauth2(token).get("/api/v1/me").then().statusCode(200);
    from("203.0.113.2").auth().oauth2("lw_guess").get("/api/v1/me").then().statusCode(401);
  }

  @Test
  void tokensThatAuthenticatedKeepWorkingFromAnAddressOutOfFailedAttempts() {
    // Many clients share one address (loopback under bin/market, where the local worker connects
    // from too, or a proxy): wrong tokens from one of them must not lock the others out.
    String user = MARKET.newUser("shared");
    from("203.0.113.9").auth().oauth2(user).get("/api/v1/me").then().statusCode(200);
    // Known from another address, and through the streaming upload route (400: no spec part).
    String other = MARKET.newUser("uploader");
    from("203.0.113.10")
        .auth()
        .oauth2(other)
        .multiPart("model", "m.pt", new byte[] {1})
        .post("/api/v1/learnwares/{owner}/x/versions", MARKET.usernameOf(other))
        .then()
        .statusCode(400);
    String worker = MARKET.workerToken();
    String unknownJob = "/api/v1/worker/jobs/00000000-0000-0000-0000-000000000000/inputs/00";
    from("203.0.113.11").auth().oauth2(worker).get(unknownJob).then().statusCode(404);
    for (int i = 0; i < 3; i++) {
      from("203.0.113.9").auth().oauth2("lw_flood-" + i).get("/api/v1/me").then().statusCode(401);
    }
    assertRateLimited(
        from("203.0.113.9").auth().oauth2("lw_flood-3").get("/api/v1/me").then(),
        "failed authentication");

    from("203.0.113.9").auth().oauth2(user).get("/api/v1/me").then().statusCode(200);
    from("203.0.113.9").auth().oauth2(other).get("/api/v1/me").then().statusCode(200);
    from("203.0.113.9").auth().oauth2(worker).get(unknownJob).then().statusCode(404);
    // A token never seen to authenticate is still not looked up.
    assertRateLimited(
        from("203.0.113.9").auth().oauth2(MARKET.newUser("unseen")).get("/api/v1/me").then(),
        "failed authentication");

    // Revoked, a remembered token is refused once (401) and then forgotten.
    String id =
        given()
            .auth()
            .oauth2(user)
            .get("/api/v1/tokens")
            .then()
            .statusCode(200)
            .extract()
            .path("[0].id");
    given().auth().oauth2(user).delete("/api/v1/tokens/{id}", id).then().statusCode(204);
    from("203.0.113.9").auth().oauth2(user).get("/api/v1/me").then().statusCode(401);
    assertRateLimited(
        from("203.0.113.9").auth().oauth2(user).get("/api/v1/me").then(), "failed authentication");
  }

  @Test
  void uploadsAndDataSetUploadsShareOneBucketPerToken() {
    String token = MARKET.newUser("uploader");
    String owner = MARKET.usernameOf(token);
    for (int i = 0; i < 3; i++) {
      // Refused uploads count too: the limit is taken before the body is read.
      given()
          .auth()
          .oauth2(token)
          .multiPart("spec", "spec.json", "{}".getBytes(), "application/json")
          .post("/api/v1/learnwares/{owner}/bad/versions", owner)
          .then()
          .statusCode(400);
    }
    assertRateLimited(MARKET.uploadDigits(token, owner, "digits").then(), "uploads");
    assertRateLimited(
        given()
            .auth()
            .oauth2(token)
            .multiPart("data", "train.csv", "a,label\n1,0\n".getBytes(), "text/csv")
            .post("/api/v1/datasets/{owner}/train", owner)
            .then(),
        "uploads");
    // Another user's token has a bucket of its own.
    String other = MARKET.newUser("uploader");
    MARKET.uploadDigits(other, MARKET.usernameOf(other), "digits").then().statusCode(201);
  }

  @Test
  void jobRequestsAreLimitedPerToken() {
    String token = MARKET.newUser("requester");
    for (int i = 0; i < 3; i++) {
      given()
          .auth()
          .oauth2(token)
          .contentType("application/json")
          .body("{}")
          .post("/api/v1/jobs")
          .then()
          .statusCode(400);
    }
    assertRateLimited(
        given()
            .auth()
            .oauth2(token)
            .contentType("application/json")
            .body("{}")
            .post("/api/v1/learnwares/a/b/versions/1/distillations")
            .then(),
        "job requests");
  }

  @Test
  void searchesAreLimitedPerAddressWhenAnonymousAndPerTokenOtherwise() {
    from("198.51.100.1").contentType("application/json").body("{}").post("/api/v1/search");
    from("198.51.100.1").get("/api/v1/learnwares?q=digits").then().statusCode(200);
    from("198.51.100.1").contentType("application/json").body("{}").post("/api/v1/search");
    assertRateLimited(from("198.51.100.1").get("/api/v1/learnwares?q=digits").then(), "searches");
    assertRateLimited(
        from("198.51.100.1")
            .contentType("application/json")
            .body("{}")
            .post("/api/v1/search")
            .then(),
        "searches");
    // Browsing without a query is no search; a token and another address have buckets of their
    // own.
    from("198.51.100.1").get("/api/v1/learnwares").then().statusCode(200);
    String token = MARKET.newUser("searcher");
    from("198.51.100.1")
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body("{}")
        .post("/api/v1/search")
        .then()
        .statusCode(200);
    from("198.51.100.2").get("/api/v1/learnwares?q=digits").then().statusCode(200);
  }

  @Test
  void aSearchBodyOverTheCapIsRefusedBeforeItIsRead() throws IOException {
    byte[] body = new byte[2 << 20];
    java.util.Arrays.fill(body, (byte) ' ');
    String response =
        exchange(
            "POST /api/v1/search HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 198.51.100.9\r\n"
                + "Content-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\n\r\n",
            body);
    assertThat(response).startsWith("HTTP/1.1 413");
    assertThat(response).contains("application/problem+json");
    assertThat(response)
        .contains("\"status\":413")
        .contains("The request body is larger than this endpoint's limit of 1048576 bytes.");
  }

  @Test
  void aChunkedSearchBodyIsCountedAndCutAtTheCap() throws IOException {
    StringBuilder chunks = new StringBuilder();
    String chunk = " ".repeat(64 * 1024);
    for (int i = 0; i < 17; i++) {
      chunks
          .append(Integer.toHexString(chunk.length()))
          .append("\r\n")
          .append(chunk)
          .append("\r\n");
    }
    chunks.append("0\r\n\r\n");
    String response =
        exchange(
            "POST /api/v1/search HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 198.51.100.10\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
            chunks.toString().getBytes(StandardCharsets.US_ASCII));
    assertThat(response).startsWith("HTTP/1.1 413");
    assertThat(response).contains("application/problem+json").contains("\"status\":413");
  }

  @Test
  void aSmallChunkedSearchBodyGoesThrough() throws IOException {
    String json = "{\"q\": \"digits\"}";
    String response =
        exchange(
            "POST /api/v1/search HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 198.51.100.11\r\n"
                + "Connection: close\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n",
            (Integer.toHexString(json.length()) + "\r\n" + json + "\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(response).startsWith("HTTP/1.1 200").contains("\"single\"");
  }

  @Test
  void otherJsonBodiesHaveASmallCap() {
    String token = MARKET.newUser("verbose");
    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(Map.of("name", "x".repeat(70 * 1024)))
        .post("/api/v1/tokens")
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body(
            "detail",
            equalTo("The request body is larger than this endpoint's limit of 65536 bytes."));
  }

  @Test
  void storageQuotaCountsSharedBytesOnceAndNamesLimitAndUse() {
    String token = MARKET.newUser("hoarder");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "digits").then().statusCode(201);
    // The same bytes again take no more room.
    MARKET.uploadDigits(token, owner, "digits-again").then().statusCode(201);
    given()
        .auth()
        .oauth2(token)
        .multiPart("data", "train.csv", ("a,label\n" + "1,0\n".repeat(2000)).getBytes(), "text/csv")
        .post("/api/v1/datasets/{owner}/train", owner)
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:learnware:problem:quota-exceeded"))
        .body(
            "detail",
            equalTo(
                "storage quota of '"
                    + owner
                    + "': 30.0 KiB allowed, 25.5 KiB used, this upload needs 7.8 KiB."));
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/datasets/{owner}/train", owner)
        .then()
        .statusCode(404);
    // Admins are exempt, also in a user's namespace.
    given()
        .auth()
        .oauth2(EmbeddedPostgresResource.ADMIN_TOKEN)
        .multiPart("data", "train.csv", ("a,label\n" + "1,0\n".repeat(2000)).getBytes(), "text/csv")
        .post("/api/v1/datasets/{owner}/train", owner)
        .then()
        .statusCode(201);
  }

  @Test
  void queuedAndRunningJobQuotas() {
    String token = MARKET.newUser("busy");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "digits").then().statusCode(201);
    MARKET.validateAll();
    Map<String, String> distill = Map.of("type", "distill", "source", owner + "/digits@1");
    for (int i = 0; i < 2; i++) {
      MARKET.postJob(token, distill).then().statusCode(202);
    }
    MARKET
        .postJob(token, distill)
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:learnware:problem:quota-exceeded"))
        .body(
            "detail",
            equalTo(
                "queued jobs quota: 2 allowed, 2 queued; wait for one to start or cancel one."));

    // One of the user's jobs runs; the other waits although a worker asks for work.
    MARKET.claim("distill").then().statusCode(200);
    MARKET.claim("distill").then().statusCode(204);
  }

  @Test
  void uploadsWaitingForTheirValidationAreCappedPerUser() {
    String token = MARKET.newUser("eager");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "one").then().statusCode(201);
    MARKET.uploadDigits(token, owner, "two").then().statusCode(201);
    MARKET
        .uploadDigits(token, owner, "three")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:learnware:problem:quota-exceeded"))
        .body(
            "detail",
            equalTo(
                "pending validations quota: 2 uploads allowed to wait for validation, 2 waiting;"
                    + " upload again once they are validated."));
    given().get("/api/v1/learnwares/{owner}/three", owner).then().statusCode(404);

    MARKET.validateAll();
    // A token of its own: the first one's upload bucket is empty by now.
    String second = newToken(token).then().statusCode(201).extract().path("token");
    MARKET.uploadDigits(second, owner, "three").then().statusCode(201);
  }

  @Test
  void aUserHoldsAtMostTheTokensQuota() {
    String token = MARKET.newUser("minter");
    newToken(token).then().statusCode(201);
    String id = newToken(token).then().statusCode(201).extract().path("id");
    newToken(token)
        .then()
        .statusCode(403)
        .body("type", equalTo("urn:learnware:problem:quota-exceeded"))
        .body("detail", equalTo("tokens quota: 3 allowed, 3 held; revoke one you no longer use."));

    given().auth().oauth2(token).delete("/api/v1/tokens/{id}", id).then().statusCode(204);
    newToken(token).then().statusCode(201);
  }

  private static io.restassured.response.Response newToken(String token) {
    return given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(Map.of("name", "script"))
        .post("/api/v1/tokens");
  }

  /** Sends a raw request and reads the answer to the end (the server closes the connection). */
  private String exchange(String head, byte[] body) throws IOException {
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
