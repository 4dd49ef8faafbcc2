package io.learnware.market.learnware;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.market.support.HostileFiles;
import io.learnware.market.support.StoredBlobs;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives and ONNX files are checked before any worker runs them: at upload, and for job results.
 * The files are made here (zip bombs, traversing names, ONNX external data).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class HostileArtifactsTest {

  private static final String ONNX_SPEC =
      Fixtures.text(Fixtures.DIGITS_SPEC).replace("\"torchscript\"", "\"onnx\"");

  @Inject StoredBlobs blobs;

  @TempDir Path dir;

  @Test
  void aZipBombIsRefusedFromItsDirectory() throws IOException {
    String token = MARKET.newUser("bomb");
    long blobsBefore = blobs.count();
    // 1.1 GiB of zeros, a few MB on the wire.
    Path bomb = HostileFiles.zipBomb(dir, 1100L << 20);
    assertThat(Files.size(bomb)).isLessThan(20L << 20);

    refused(upload(token, Fixtures.bytes(Fixtures.DIGITS_SPEC), Files.readAllBytes(bomb)), "/model")
        .body(
            "violations[0].message",
            allOf(
                containsString("'archive/data/0' inflates"),
                containsString("to " + (1100L << 20)),
                containsString("ratio above 100:1")));
    assertThat(blobs.count()).isEqualTo(blobsBefore);
  }

  @Test
  void entryNamesOutsideTheArchiveAreRefused() throws IOException {
    String token = MARKET.newUser("slip");
    byte[] spec = Fixtures.bytes(Fixtures.DIGITS_SPEC);
    refused(
            upload(token, spec, bytes(HostileFiles.withEntry(dir, "archive/../../../etc/x"))),
            "/model")
        .body("violations[0].message", containsString("contains a '..' segment"));
    refused(upload(token, spec, bytes(HostileFiles.withEntry(dir, "/etc/cron.d/evil"))), "/model")
        .body("violations[0].message", containsString("'/etc/cron.d/evil' is an absolute path"));
    refused(
            upload(token, spec, bytes(HostileFiles.withEntry(dir, "archive\\code\\x.py"))),
            "/model")
        .body("violations[0].message", containsString("contains a backslash"));
  }

  @Test
  void tooManyEntriesAreRefused() throws IOException {
    String token = MARKET.newUser("many");
    refused(
            upload(
                token,
                Fixtures.bytes(Fixtures.DIGITS_SPEC),
                bytes(HostileFiles.manyEntries(dir, 10_000))),
            "/model")
        .body(
            "violations[0].message",
            equalTo("the archive declares 10003 entries; at most 10000 are allowed"));
  }

  @Test
  void extraFilesAreCheckedToo() throws IOException {
    String token = MARKET.newUser("extra");
    String owner = MARKET.usernameOf(token);
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", Fixtures.bytes(Fixtures.DIGITS_SPEC), "application/json")
        .multiPart("model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL))
        .multiPart("file", "features.pt", bytes(HostileFiles.withEntry(dir, "../features.pt")))
        .post("/api/v1/learnwares/{owner}/extra/versions", owner)
        .then()
        .statusCode(422)
        .body("type", equalTo("urn:learnware:problem:unsafe-artifact"))
        .body("violations[0].pointer", equalTo("/file/0"))
        .body("violations[0].message", containsString("'..' segment"));
  }

  @Test
  void onnxExternalDataMustBeAnUploadedFile() {
    String token = MARKET.newUser("onnxext");
    String owner = MARKET.usernameOf(token);
    byte[] model = Fixtures.bytes("digits-mlp/model.onnx");
    byte[] spec = ONNX_SPEC.getBytes(StandardCharsets.UTF_8);
    for (String location : List.of("../../etc/passwd", "/etc/passwd", "features.pt/../x")) {
      refused(upload(token, spec, HostileFiles.onnxWithExternalData(model, location)), "/model")
          .body(
              "violations[0].message",
              allOf(
                  containsString("the tensor 'stolen' keeps its data in '" + location + "'"),
                  containsString("must name a 'file' part of this upload (features.pt)")));
    }
    // Tensors in node attributes (Constant nodes) are checked as well.
    refused(
            upload(token, spec, HostileFiles.onnxWithExternalConstant(model, "/etc/passwd")),
            "/model")
        .body("violations[0].message", containsString("keeps its data in '/etc/passwd'"));
    // Weights kept next to the model, in a file of the same upload, are fine.
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", spec, "application/json")
        .multiPart("model", "model.onnx", HostileFiles.onnxWithExternalData(model, "weights.bin"))
        .multiPart("file", "features.pt", Fixtures.bytes(Fixtures.DIGITS_FEATURES))
        .multiPart("file", "weights.bin", new byte[16])
        .post("/api/v1/learnwares/{owner}/external/versions", owner)
        .then()
        .statusCode(201);
  }

  @Test
  void jobResultsAreCheckedLikeUploads() throws IOException {
    String token = MARKET.newUser("resultbomb");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "digits").then().statusCode(201);
    MARKET.validateAll();
    String job = MARKET.requestJob(token, Map.of("type", "distill", "source", owner + "/digits@1"));
    Response claim = MARKET.claim("distill");
    assertThat(claim.<String>path("id")).isEqualTo(job);
    given()
        .auth()
        .oauth2(EmbeddedPostgresResource.WORKER_TOKEN)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart("report", "{\"fidelity\": 0.9}")
        .multiPart("spec", Fixtures.text(Fixtures.DIGITS_SPEC))
        .multiPart("model", "model.pt", bytes(HostileFiles.zipBomb(dir, 64L << 20)))
        .multiPart("file", "features.pt", Fixtures.bytes(Fixtures.DIGITS_FEATURES))
        .post("/api/v1/worker/jobs/{id}/complete", job)
        .then()
        .statusCode(422)
        .body("violations[0].pointer", equalTo("/model"))
        .body("violations[0].message", containsString("ratio above 100:1"));
    given().auth().oauth2(token).post("/api/v1/jobs/{id}/cancel", job).then().statusCode(200);
  }

  private static Response upload(String token, byte[] spec, byte[] model) {
    return given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", spec, "application/json")
        .multiPart("model", "model.bin", model, "application/octet-stream")
        .multiPart("file", "features.pt", Fixtures.bytes(Fixtures.DIGITS_FEATURES))
        .post("/api/v1/learnwares/{owner}/hostile/versions", MARKET.usernameOf(token));
  }

  private static ValidatableResponse refused(Response response, String pointer) {
    return response
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:learnware:problem:unsafe-artifact"))
        .body("violations[0].pointer", equalTo(pointer));
  }

  private static byte[] bytes(Path file) throws IOException {
    return Files.readAllBytes(file);
  }
}
