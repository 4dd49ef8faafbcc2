package io.learnware.market.abuse;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: every refusal at the edge of the HTTP server is a problem document (414, 431, and 413
 * and too many parts on the REST multipart endpoints), and a body that stalls is cut off (408) with
 * its staged files deleted.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
@TestProfile(RequestEdgesTest.SmallLimits.class)
class RequestEdgesTest {

  /** A data set cap and a body idle timeout small enough to reach quickly. */
  public static class SmallLimits implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "learnware.upload.max-dataset-size", "1M",
          "learnware.limits.body.idle-timeout", "2S");
    }
  }

  private static final Duration IDLE = Duration.ofSeconds(2);

  @AfterEach
  void nothingStaysStaged() throws Exception {
    Instant deadline = Instant.now().plusSeconds(5);
    while (stagedFiles() > 0 && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
    }
    assertThat(stagedFiles()).isZero();
  }

  @Test
  void aUriOverTheLimitIsA414Problem() {
    given()
        .get("/api/v1/learnwares/someone/{name}", "a".repeat(5000))
        .then()
        .statusCode(414)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:learnware:problem:uri-too-long"))
        .body("title", equalTo("URI too long"))
        .body("status", equalTo(414))
        .body("detail", containsString("the limit is 4096"));
  }

  @Test
  void headersOverTheLimitAreA431Problem() {
    given()
        .header("X-Padding", "p".repeat(20 * 1024))
        .get("/api/v1/learnwares")
        .then()
        .statusCode(431)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:learnware:problem:headers-too-large"))
        .body("status", equalTo(431))
        .body("detail", containsString("the limit is 20480"));
  }

  @Test
  void aDataSetOverTheCapIsA413ProblemAndIsNotStored() {
    String token = MARKET.newUser("big");
    String owner = MARKET.usernameOf(token);
    // RestAssured streams a multipart body chunked: the REST layer's parser counts it.
    given()
        .auth()
        .oauth2(token)
        .multiPart("data", "train.csv", new byte[2 << 20], "text/csv")
        .post("/api/v1/datasets/{owner}/big", owner)
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:learnware:problem:payload-too-large"))
        .body("status", equalTo(413))
        // The parser's answer: a whole body or one text part may be what is too large.
        .body("detail", containsString("limit of 1048576 bytes, or one of its text parts"));
    given().auth().oauth2(token).get("/api/v1/datasets/{owner}/big", owner).then().statusCode(404);
  }

  @Test
  void aDataSetDeclaredOverTheCapIsRefusedBeforeItsBodyIsSent() throws Exception {
    String token = MARKET.newUser("declared");
    String owner = MARKET.usernameOf(token);
    try (Socket socket = connect()) {
      send(
          socket,
          ("POST /api/v1/datasets/%s/big HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\n"
                  + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n")
              .formatted(owner, token, 2 << 20));
      String answer = readToEnd(socket.getInputStream());
      assertThat(answer)
          .startsWith("HTTP/1.1 413")
          .contains("application/problem+json")
          .contains("urn:learnware:problem:payload-too-large")
          .contains("limit of 1048576 bytes.");
    }
  }

  @Test
  void aJobResultOverTheCapIsA413ProblemAndTheLeaseHolds() {
    String token = MARKET.newUser("result");
    MARKET.uploadDigits(token, MARKET.usernameOf(token), "digits").then().statusCode(201);
    Response claim = MARKET.claim("validate");
    claim.then().statusCode(200);
    String job = claim.path("id");
    String lease = claim.path("leaseId");

    given()
        .auth()
        .oauth2(EmbeddedPostgresResource.WORKER_TOKEN)
        .header("Lease-Id", lease)
        .multiPart("report", "{\"usable\": true}")
        .multiPart("model", "model.pt", new byte[2 << 20], "application/octet-stream")
        .post("/api/v1/worker/jobs/{id}/complete", job)
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:learnware:problem:payload-too-large"));
    given()
        .auth()
        .oauth2(EmbeddedPostgresResource.WORKER_TOKEN)
        .header("Lease-Id", lease)
        .multiPart("report", "{\"usable\": true}")
        .post("/api/v1/worker/jobs/{id}/complete", job)
        .then()
        .statusCode(200);
  }

  @Test
  void twoThousandFormPartsOnADataSetAreA400Problem() {
    String token = MARKET.newUser("parts");
    String owner = MARKET.usernameOf(token);
    RequestSpecification upload =
        given()
            .auth()
            .oauth2(token)
            .multiPart("data", "train.csv", "a,label\n1,0\n".getBytes(), "text/csv");
    for (int i = 0; i < 2000; i++) {
      upload.multiPart("labels", "labels" + i, new byte[] {1});
    }
    upload
        .post("/api/v1/datasets/{owner}/parts", owner)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:learnware:problem:invalid-input"))
        .body("detail", containsString("too many form parts"));
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/datasets/{owner}/parts", owner)
        .then()
        .statusCode(404);
  }

  @Test
  void aStalledLearnwareUploadIsCutOffWithA408() throws Exception {
    String token = MARKET.newUser("stall");
    String owner = MARKET.usernameOf(token);
    byte[] model = Fixtures.bytes(Fixtures.DIGITS_MODEL);
    String spec = Fixtures.text(Fixtures.DIGITS_SPEC);
    String head =
        part("spec", "spec.json", "application/json")
            + spec
            + "\r\n"
            + part("model", "model.pt", "application/octet-stream");
    // The model part begins, with half of its bytes, and then nothing more comes.
    assertCutOff(
        "/api/v1/learnwares/%s/stall/versions".formatted(owner),
        token,
        head.getBytes(StandardCharsets.UTF_8),
        model,
        head.length() + model.length + 100);
    given().get("/api/v1/learnwares/{owner}/stall", owner).then().statusCode(404);
  }

  @Test
  void aStalledDataSetUploadIsCutOffWithA408() throws Exception {
    String token = MARKET.newUser("stall");
    String owner = MARKET.usernameOf(token);
    byte[] data = "a,label\n1,0\n".repeat(20_000).getBytes(StandardCharsets.UTF_8);
    String head = part("data", "train.csv", "text/csv");
    assertCutOff(
        "/api/v1/datasets/%s/stall".formatted(owner),
        token,
        head.getBytes(StandardCharsets.UTF_8),
        data,
        head.length() + data.length + 100);
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/datasets/{owner}/stall", owner)
        .then()
        .statusCode(404);
  }

  /** A JSON body is watched like an upload: half of a 300 KB search, then nothing, is cut off. */
  @Test
  void aStalledSearchIsCutOffWithA408() throws Exception {
    try (Socket socket = connect()) {
      send(
          socket,
          ("POST /api/v1/search HTTP/1.1\r\nHost: localhost\r\n"
                  + "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n")
              .formatted(300_000));
      OutputStream out = socket.getOutputStream();
      out.write(("{\"q\": \"" + "a".repeat(150_000)).getBytes(StandardCharsets.UTF_8));
      out.flush();
      Instant stalled = Instant.now();

      String answer = readToEnd(socket.getInputStream());
      Duration waited = Duration.between(stalled, Instant.now());

      assertThat(answer)
          .startsWith("HTTP/1.1 408")
          .contains("urn:learnware:problem:request-timeout");
      assertThat(waited).isBetween(IDLE.minusMillis(200), IDLE.plusSeconds(3));
    }
  }

  /**
   * Sends the headers, {@code head} and half of {@code content}, then waits: the market stages what
   * it received, then must answer 408 and close the connection after about the idle timeout (and
   * {@link #nothingStaysStaged} finds the staged part deleted).
   */
  private static void assertCutOff(
      String path, String token, byte[] head, byte[] content, long declaredLength)
      throws Exception {
    try (Socket socket = connect()) {
      send(
          socket,
          ("POST %s HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\n"
                  + "Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n")
              .formatted(path, token, BOUNDARY, declaredLength));
      OutputStream out = socket.getOutputStream();
      out.write(head);
      out.write(content, 0, content.length / 2);
      out.flush();
      Instant stalled = Instant.now();
      while (stagedFiles() == 0 && Duration.between(stalled, Instant.now()).compareTo(IDLE) < 0) {
        Thread.sleep(20);
      }
      assertThat(stagedFiles()).as("the part received so far is staged").isPositive();

      String answer = readToEnd(socket.getInputStream());
      Duration waited = Duration.between(stalled, Instant.now());

      assertThat(answer)
          .startsWith("HTTP/1.1 408")
          .contains("application/problem+json")
          .contains("urn:learnware:problem:request-timeout")
          .contains("for 2 s");
      assertThat(waited).isBetween(IDLE.minusMillis(200), IDLE.plusSeconds(3));
    }
  }

  private static final String BOUNDARY = "stalled-boundary";

  private static String part(String name, String filename, String type) {
    return "--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
        .formatted(BOUNDARY, name, filename, type);
  }

  private static Socket connect() throws Exception {
    int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    Socket socket = new Socket("localhost", port);
    socket.setSoTimeout(15_000);
    return socket;
  }

  private static void send(Socket socket, String text) throws Exception {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
  }

  /** Everything the market sends until it closes the connection. */
  private static String readToEnd(InputStream in) throws Exception {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    int n;
    while ((n = in.read(buffer)) > 0) {
      seen.write(buffer, 0, n);
    }
    return seen.toString(StandardCharsets.UTF_8);
  }

  private static long stagedFiles() throws Exception {
    Path staging =
        Path.of(ConfigProvider.getConfig().getValue("learnware.data-dir", String.class))
            .resolve("tmp/uploads");
    if (!Files.isDirectory(staging)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(staging)) {
      return files.count();
    }
  }
}
