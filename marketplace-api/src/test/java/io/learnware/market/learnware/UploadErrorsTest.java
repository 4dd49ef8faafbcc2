package io.learnware.market.learnware;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.market.support.StoredBlobs;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Every refusal of the registry API, each with its status and problem document. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class UploadErrorsTest {

  @Inject StoredBlobs blobs;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @Test
  void invalidSpecGives400WithEveryViolationAndStoresNothing() {
    String token = MARKET.newUser("badspec");
    String owner = MARKET.usernameOf(token);
    String spec =
        Fixtures.text(Fixtures.DIGITS_SPEC)
            .replace("\"dataType\": \"table\"", "\"dataType\": \"audio\"")
            .replace("\"license\": \"MIT\"", "\"license\": 7");
    long blobsBefore = blobs.count();

    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", spec.getBytes(StandardCharsets.UTF_8), "application/json")
        .multiPart("model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL))
        .multiPart("file", "features.pt", Fixtures.bytes(Fixtures.DIGITS_FEATURES))
        .post("/api/v1/learnwares/{owner}/broken/versions", owner)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("status", equalTo(400))
        .body("title", equalTo("Invalid input"))
        .body("violations.pointer", hasItems("/spec/dataType", "/spec/license"));

    assertThat(blobs.count()).isEqualTo(blobsBefore);
    given().get("/api/v1/learnwares/{owner}/broken", owner).then().statusCode(404);
  }

  @Test
  void specThatIsNotJsonAndMissingPartsGive400() {
    String token = MARKET.newUser("parts");
    String owner = MARKET.usernameOf(token);
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", "{not json".getBytes(StandardCharsets.UTF_8))
        .multiPart("model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL))
        .post("/api/v1/learnwares/{owner}/x1/versions", owner)
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/spec"))
        .body("violations[0].message", containsString("not valid JSON"));
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", Fixtures.bytes(Fixtures.DIGITS_SPEC))
        .post("/api/v1/learnwares/{owner}/x1/versions", owner)
        .then()
        .statusCode(400)
        .body("violations.pointer", contains("/model"));
    // The spec names features.pt as feature extractor, so the file part must be there.
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", Fixtures.bytes(Fixtures.DIGITS_SPEC))
        .multiPart("model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL))
        .post("/api/v1/learnwares/{owner}/x1/versions", owner)
        .then()
        .statusCode(400)
        .body("violations.pointer", contains("/spec/model/featureExtractor/file"));
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", Fixtures.bytes(Fixtures.DIGITS_SPEC))
        .multiPart("model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL))
        .post("/api/v1/learnwares/{owner}/Bad_Name/versions", owner)
        .then()
        .statusCode(400)
        .body("violations.pointer", contains("/name"));
  }

  @Test
  void renamedTextFileClaimingTorchScriptGives422() {
    String token = MARKET.newUser("fake");
    String owner = MARKET.usernameOf(token);
    long blobsBefore = blobs.count();
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", Fixtures.bytes(Fixtures.DIGITS_SPEC), "application/json")
        .multiPart("model", "model.pt", Fixtures.bytes("not-torchscript.pt"))
        .multiPart("file", "features.pt", Fixtures.bytes(Fixtures.DIGITS_FEATURES))
        .post("/api/v1/learnwares/{owner}/fake/versions", owner)
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:learnware:problem:model-format-mismatch"))
        .body("violations[0].pointer", equalTo("/model"))
        .body("violations[0].message", containsString("not a TorchScript archive"));
    assertThat(blobs.count()).isEqualTo(blobsBefore);
  }

  @Test
  void onnxModelDeclaredAsTorchScriptGives422AndAsOnnxIsAccepted() {
    String token = MARKET.newUser("onnx");
    String owner = MARKET.usernameOf(token);
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", Fixtures.bytes(Fixtures.DIGITS_SPEC))
        .multiPart("model", "model.onnx", Fixtures.bytes("digits-mlp/model.onnx"))
        .multiPart("file", "features.pt", Fixtures.bytes(Fixtures.DIGITS_FEATURES))
        .post("/api/v1/learnwares/{owner}/onnx/versions", owner)
        .then()
        .statusCode(422);
    String onnxSpec = Fixtures.text(Fixtures.DIGITS_SPEC).replace("\"torchscript\"", "\"onnx\"");
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", onnxSpec.getBytes(StandardCharsets.UTF_8))
        .multiPart("model", "model.onnx", Fixtures.bytes("digits-mlp/model.onnx"))
        .multiPart("file", "features.pt", Fixtures.bytes(Fixtures.DIGITS_FEATURES))
        .post("/api/v1/learnwares/{owner}/onnx/versions", owner)
        .then()
        .statusCode(201)
        .body("version", equalTo(1));
  }

  @Test
  void writesNeedATokenAndTheirOwnNamespace() {
    String alice = MARKET.newUser("alice");
    String bob = MARKET.newUser("bob");
    String aliceName = MARKET.usernameOf(alice);

    given()
        .multiPart("spec", "spec.json", Fixtures.bytes(Fixtures.DIGITS_SPEC))
        .multiPart("model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL))
        .post("/api/v1/learnwares/{owner}/digits/versions", aliceName)
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", equalTo("Bearer"))
        .contentType("application/problem+json")
        .body("status", equalTo(401));
    given()
        .auth()
        .oauth2("lw_not-a-real-token")
        .get("/api/v1/me")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    MARKET
        .uploadDigits(bob, aliceName, "digits")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body(
            "detail",
            equalTo("You are not a member of '" + aliceName + "'; this needs the role write."));
    // Admins may write anywhere.
    MARKET
        .uploadDigits(EmbeddedPostgresResource.ADMIN_TOKEN, aliceName, "by-admin")
        .then()
        .statusCode(201);
  }

  @Test
  void unknownThingsGive404WithProblemBodies() {
    given()
        .get("/api/v1/learnwares/nobody/nothing")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", equalTo("No learnware nobody/nothing."));
    String token = MARKET.newUser("nf");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "known").then().statusCode(201);
    given()
        .get("/api/v1/learnwares/{owner}/known/versions/9", owner)
        .then()
        .statusCode(404)
        .body("detail", equalTo(owner + "/known has no version 9."));
    given().get("/api/v1/learnwares/{owner}/known/versions/staging", owner).then().statusCode(404);
    given()
        .get("/api/v1/learnwares/{owner}/known/versions/1/files/missing.pt", owner)
        .then()
        .statusCode(404);
  }

  @Test
  void wrongMediaTypeGives415() {
    String token = MARKET.newUser("media");
    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body("{}")
        .post("/api/v1/learnwares/{owner}/digits/versions", MARKET.usernameOf(token))
        .then()
        .statusCode(415)
        .contentType("application/problem+json")
        .body("status", equalTo(415));
  }

  @Test
  void declaredLengthOverTheLimitGives413BeforeTheBodyIsRead() throws IOException {
    // A raw request: the header promises 1 TB, the body never comes.
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/learnwares/a/b/versions HTTP/1.1\r\nHost: localhost\r\n"
                  + "Content-Type: multipart/form-data; boundary=x\r\n"
                  + "Content-Length: 1000000000000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // The server answers and closes the connection, so reading to the end terminates.
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 413");
      assertThat(response).contains("application/problem+json");
      assertThat(response).contains("\"status\":413");
    }
  }

  @Test
  void badSpecSentFirstIsRefusedBeforeTheModelIsRead() throws IOException {
    String token = MARKET.newUser("early");
    String owner = MARKET.usernameOf(token);
    String badSpec = Fixtures.text(Fixtures.DIGITS_SPEC).replace("\"table\"", "\"audio\"");
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      String head =
          "--x\r\nContent-Disposition: form-data; name=\"spec\"; filename=\"spec.json\"\r\n\r\n"
              + badSpec
              + "\r\n--x\r\nContent-Disposition: form-data; name=\"model\"; filename=\"model.pt\"\r\n\r\n";
      // The request promises a 100 MB model but sends only its first byte, then waits for the
      // answer.
      out.write(
          ("POST /api/v1/learnwares/"
                  + owner
                  + "/early/versions HTTP/1.1\r\nHost: localhost\r\n"
                  + "Authorization: Bearer "
                  + token
                  + "\r\n"
                  + "Content-Type: multipart/form-data; boundary=x\r\n"
                  + "Content-Length: 100000000\r\n\r\n"
                  + head
                  + "P")
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 400");
      assertThat(response).contains("/spec/dataType");
    }
    given().get("/api/v1/learnwares/{owner}/early", owner).then().statusCode(404);
  }

  @Test
  void abortedUploadLeavesNoLearnwareBlobOrTemporaryFile() throws IOException {
    String token = MARKET.newUser("abort");
    String owner = MARKET.usernameOf(token);
    long blobsBefore = blobs.count();
    try (Socket socket = new Socket("localhost", port)) {
      OutputStream out = socket.getOutputStream();
      String head =
          "--x\r\nContent-Disposition: form-data; name=\"spec\"; filename=\"spec.json\"\r\n\r\n"
              + Fixtures.text(Fixtures.DIGITS_SPEC)
              + "\r\n--x\r\nContent-Disposition: form-data; name=\"model\"; filename=\"model.pt\"\r\n\r\n";
      out.write(
          ("POST /api/v1/learnwares/"
                  + owner
                  + "/aborted/versions HTTP/1.1\r\nHost: localhost\r\n"
                  + "Authorization: Bearer "
                  + token
                  + "\r\n"
                  + "Content-Type: multipart/form-data; boundary=x\r\n"
                  + "Content-Length: 100000000\r\n\r\n"
                  + head)
              .getBytes(StandardCharsets.UTF_8));
      out.write(new byte[1 << 20]);
      out.flush();
    }
    given().get("/api/v1/learnwares/{owner}/aborted", owner).then().statusCode(404);
    assertThat(blobs.count()).isEqualTo(blobsBefore);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(blobs.stagingFiles()).isZero());
  }
}
