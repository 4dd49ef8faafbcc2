package io.learnware.market.dataset;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.learnware.market.storage.Sha256;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class DatasetsTest {

  private static final byte[] CSV =
      "a,b,label\n0.1,0.2,1\n0.3,0.4,0\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void ownersUploadWorkersReadOthersDoNot() {
    String token = MARKET.newUser("data");
    String owner = MARKET.usernameOf(token);

    given()
        .auth()
        .oauth2(token)
        .multiPart("data", "train.csv", CSV, "text/csv")
        .post("/api/v1/datasets/{owner}/train", owner)
        .then()
        .statusCode(201)
        .body("dataset", equalTo(owner + "/train"))
        .body("format", equalTo("csv"))
        .body("dataSha256", equalTo(Sha256.of(CSV)))
        .body("dataSize", equalTo(CSV.length));
    given()
        .auth()
        .oauth2(token)
        .multiPart("data", "train.csv", CSV, "text/csv")
        .post("/api/v1/datasets/{owner}/train", owner)
        .then()
        .statusCode(409);

    byte[] read =
        given()
            .auth()
            .oauth2(token)
            .get("/api/v1/datasets/{owner}/train/data", owner)
            .then()
            .statusCode(200)
            .header("ETag", "\"" + Sha256.of(CSV) + "\"")
            .extract()
            .asByteArray();
    org.assertj.core.api.Assertions.assertThat(read).isEqualTo(CSV);
    // Private: others, workers included (they read inputs under a job's lease), learn nothing.
    for (String other : List.of(MARKET.newUser("nosy"), EmbeddedPostgresResource.WORKER_TOKEN)) {
      given()
          .auth()
          .oauth2(other)
          .get("/api/v1/datasets/{owner}/train/data", owner)
          .then()
          .statusCode(404);
      given()
          .auth()
          .oauth2(other)
          .get("/api/v1/datasets/{owner}/train", owner)
          .then()
          .statusCode(404);
    }
    given().get("/api/v1/datasets/{owner}/train", owner).then().statusCode(401);
    given()
        .auth()
        .oauth2(token)
        .multiPart("data", "x.csv", CSV, "text/csv")
        .post("/api/v1/datasets/{owner}/x", "someone-else")
        .then()
        .statusCode(403);
  }

  @Test
  void idxImagesWithLabelsAndBadCombinations() {
    String token = MARKET.newUser("idx");
    String owner = MARKET.usernameOf(token);
    byte[] images = Fixtures.bytes("data/fashion-mnist/t10k-images-idx3-ubyte.gz");
    byte[] labels = Fixtures.bytes("data/fashion-mnist/t10k-labels-idx1-ubyte.gz");

    given()
        .auth()
        .oauth2(token)
        .multiPart("data", "images.gz", images, "application/octet-stream")
        .multiPart("labels", "labels.gz", labels, "application/octet-stream")
        .post("/api/v1/datasets/{owner}/fashion", owner)
        .then()
        .statusCode(201)
        .body("format", equalTo("idx"))
        .body("labelsSha256", equalTo(Sha256.of(labels)));
    given()
        .auth()
        .oauth2(token)
        .multiPart("data", "train.csv", CSV, "text/csv")
        .multiPart("labels", "labels.gz", labels, "application/octet-stream")
        .post("/api/v1/datasets/{owner}/mixed", owner)
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/labels"));
    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(
            Map.of("type", "distill", "source", owner + "/nothing", "dataset", owner + "/missing"))
        .post("/api/v1/jobs")
        .then()
        .statusCode(404);
  }
}
