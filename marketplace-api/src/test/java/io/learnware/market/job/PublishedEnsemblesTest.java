package io.learnware.market.job;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.storage.Sha256;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.spec.reuse.EnsembleManifest.Member;
import io.learnware.spec.reuse.EnsembleManifest.Method;
import io.learnware.testing.Ensembles;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Published ensembles on the API (issue 14 item 5): publishing reuse requests, claims that carry an
 * ensemble's members, a publishing job's result, uploads whose pins are checked, and deletions of
 * pinned versions refused. The worker is played by hand, over the real protocol.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class PublishedEnsemblesTest {

  private static final String WORKER = EmbeddedPostgresResource.WORKER_TOKEN;
  private static final String LOW_MODEL = "digits-low/model.pt";
  private static final String HIGH_MODEL = "digits-high/model.pt";

  @Test
  void publishingRequestsAreDefaultedAndChecked() {
    String token = MARKET.newUser("publish-req");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigitsHalves(token, owner);
    MARKET.uploadDigits(token, owner, "no-rkme").then().statusCode(201);
    MARKET
        .upload(
            token,
            owner,
            "diabetes-a",
            Fixtures.text("diabetes-mlp/spec.json"),
            "diabetes-mlp/model.pt")
        .then()
        .statusCode(201);
    MARKET
        .upload(
            token,
            owner,
            "diabetes-b",
            Fixtures.text("diabetes-mlp/spec.json"),
            "diabetes-mlp/model.pt")
        .then()
        .statusCode(201);
    uploadData(token, owner);
    MARKET.validateAll();

    // A target alone publishes the mean.
    Response targeted =
        reuse(token, owner + "/digits-low", List.of(owner + "/digits-high"), null, owner + "/both");
    targeted.then().statusCode(202);
    assertThat(targeted.<String>path("target")).isEqualTo(owner + "/both");
    assertThat(targeted.<String>path("params.publish")).isEqualTo("mean");
    assertThat(targeted.<List<String>>path("params.sources"))
        .containsExactly(owner + "/digits-high@1");
    // A method alone publishes to the default name in the caller's namespace.
    Response named =
        reuse(token, owner + "/digits-low", List.of(owner + "/digits-high"), "selector", null);
    named.then().statusCode(202);
    assertThat(named.<String>path("target")).isEqualTo(owner + "/digits-low-ensemble");
    // Neither: a report only, as before.
    Response plain =
        reuse(token, owner + "/digits-low", List.of(owner + "/digits-high"), null, null);
    plain.then().statusCode(202).body("target", nullValue()).body("params.publish", nullValue());

    refused(
        reuse(token, owner + "/digits-low", List.of(owner + "/digits-high"), "median", null),
        400,
        "/params/publish",
        "must be mean, vote or selector");
    refused(
        reuse(token, owner + "/diabetes-a", List.of(owner + "/diabetes-b"), "vote", null),
        400,
        "/params/publish",
        "regressors are combined by mean or selector");
    refused(
        reuse(token, owner + "/digits-low", List.of(owner + "/diabetes-a"), "mean", null),
        400,
        "/params/sources/0",
        "share data type, input size, output dimension and task");
    refused(
        reuse(
            token,
            owner + "/digits-low",
            List.of(owner + "/digits-high", owner + "/no-rkme"),
            "selector",
            null),
        400,
        "/params/sources/1",
        "publishes no RKME");
    // Members share their licence: a specification names one.
    ObjectNode apache = Fixtures.json(Fixtures.text(Fixtures.DIGITS_SPEC));
    apache.put("license", "Apache-2.0");
    MARKET
        .upload(token, owner, "apache", apache.toString(), Fixtures.DIGITS_MODEL)
        .then()
        .statusCode(201);
    MARKET.validateAll();
    refused(
        reuse(token, owner + "/digits-low", List.of(owner + "/apache"), "mean", null),
        400,
        "/params/sources/0",
        owner + "/apache@1 is licensed Apache-2.0, " + owner + "/digits-low@1 MIT");
    // Only in one's own namespace.
    String stranger = MARKET.usernameOf(MARKET.newUser("publish-other"));
    reuse(
            token,
            owner + "/digits-low",
            List.of(owner + "/digits-high"),
            "mean",
            stranger + "/theirs")
        .then()
        .statusCode(403);

    // An ensemble is no member of another.
    Ensembles.upload(token, owner, "ens", Ensembles.manifest(Method.MEAN, Ensembles.halves(owner)))
        .then()
        .statusCode(201);
    MARKET.validateAll();
    refused(
        reuse(token, owner + "/digits-low", List.of(owner + "/ens"), "mean", null),
        400,
        "/params/sources/0",
        owner + "/ens@1 is itself a published ensemble");
    // Without publishing, an ensemble is combined like any learnware.
    reuse(token, owner + "/ens", List.of(owner + "/digits-high"), null, null)
        .then()
        .statusCode(202);
  }

  @Test
  void aClaimOnAnEnsembleListsItsMembersWithArtifactsTheWorkerMayFetch() {
    String token = MARKET.newUser("claim-members");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigitsHalves(token, owner);
    MARKET.uploadDigits(token, owner, "digits").then().statusCode(201);
    uploadData(token, owner);
    MARKET.validateAll();
    Ensembles.upload(token, owner, "ens", Ensembles.manifest(Method.VOTE, Ensembles.halves(owner)))
        .then()
        .statusCode(201);

    // The ensemble's own validation: the members come with it, in the manifest's order.
    Response validation = claimOf("validate", owner + "/ens@1");
    String id = validation.path("id");
    String lease = validation.path("leaseId");
    String lowSha = Sha256.of(Fixtures.bytes(LOW_MODEL));
    String highSha = Sha256.of(Fixtures.bytes(HIGH_MODEL));
    assertThat(validation.<String>path("source.spec.model.format")).isEqualTo("ensemble");
    assertThat(validation.<List<String>>path("source.members.learnware"))
        .containsExactly(owner + "/digits-low@1", owner + "/digits-high@1");
    assertThat(validation.<String>path("source.members[0].model.sha256")).isEqualTo(lowSha);
    assertThat(validation.<String>path("source.members[1].model.url"))
        .isEqualTo("/api/v1/worker/jobs/" + id + "/inputs/" + highSha);
    assertThat(validation.<Integer>path("source.members[0].spec.input.dimension")).isEqualTo(64);
    assertThat(validation.<Object>path("source.members[0].members")).isNull();
    // The worker may fetch the ensemble.json and each member's model, and nothing else.
    assertThat(input(id, lease, highSha).statusCode()).isEqualTo(200);
    assertThat(input(id, lease, highSha).asByteArray()).isEqualTo(Fixtures.bytes(HIGH_MODEL));
    assertThat(input(id, lease, validation.<String>path("source.model.sha256")).statusCode())
        .isEqualTo(200);
    String other = Sha256.of(Fixtures.bytes(Fixtures.DIGITS_MODEL));
    assertThat(input(id, lease, other).statusCode()).isEqualTo(404);
    complete(validation, "{\"usable\": true, \"log\": [\"members load\"]}").statusCode(200);

    // An ensemble among a reuse job's learnwares brings its members too; a plain learnware none.
    String job =
        reuse(token, owner + "/digits", List.of(owner + "/ens"), null, null)
            .then()
            .statusCode(202)
            .extract()
            .path("id");
    Response claim = claimJob("reuse", job);
    assertThat(claim.<Object>path("source.members")).isNull();
    assertThat(claim.<List<String>>path("sources[0].members.learnware"))
        .containsExactly(owner + "/digits-low@1", owner + "/digits-high@1");
    assertThat(input(job, claim.path("leaseId"), lowSha).statusCode()).isEqualTo(200);
    fail(claim, "done with it");
  }

  @Test
  void aPublishingReuseResultBecomesAPendingEnsembleWithLineageAndItsValidation() {
    String token = MARKET.newUser("publish");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigitsHalves(token, owner);
    uploadData(token, owner);
    MARKET.validateAll();
    String job =
        reuse(token, owner + "/digits-low", List.of(owner + "/digits-high"), "mean", null)
            .then()
            .statusCode(202)
            .extract()
            .path("id");
    Response claim = claimJob("reuse", job);
    String report =
        """
        {"rows": 360, "labelled": true, "classes": 10,
         "learnwares": ["%1$s/digits-low@1", "%1$s/digits-high@1"],
         "mean": {"accuracy": 0.8278},
         "published": {"method": "mean", "members": ["%1$s/digits-low@1", "%1$s/digits-high@1"]}}
        """
            .formatted(owner);

    // An ensemble of other learnwares than the job's is not this job's result.
    List<Member> reversed = List.of(Ensembles.halves(owner).get(1), Ensembles.halves(owner).get(0));
    result(claim, report, Ensembles.manifest(Method.MEAN, reversed))
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/model/members"));
    result(claim, report, Ensembles.manifest(Method.MEAN, Ensembles.halves(owner)))
        .statusCode(200)
        .body("state", equalTo("SUCCEEDED"))
        .body("result.learnware", equalTo(owner + "/digits-low-ensemble@1"))
        .body("result.report.published.method", equalTo("mean"));

    given()
        .get("/api/v1/learnwares/{owner}/digits-low-ensemble/versions/1", owner)
        .then()
        .statusCode(200)
        .body("state", equalTo("PENDING"))
        .body("model.format", equalTo("ensemble"))
        .body("createdBy", equalTo(owner))
        .body(
            "lineage.parents.learnware",
            equalTo(List.of(owner + "/digits-low@1", owner + "/digits-high@1")))
        .body("lineage.parents.relation", equalTo(List.of("combined", "combined")))
        .body("lineage.parents.job", equalTo(List.of(job, job)))
        .body("ensemble.method", equalTo("mean"))
        .body("ensemble.task", equalTo("classification"))
        .body(
            "ensemble.members.learnware",
            equalTo(List.of(owner + "/digits-low@1", owner + "/digits-high@1")))
        .body("ensemble.members[0].sha256", equalTo(Sha256.of(Fixtures.bytes(LOW_MODEL))))
        .body("reports[0].type", equalTo("reuse"));
    given()
        .get("/api/v1/learnwares/{owner}/digits-high/versions/1", owner)
        .then()
        .body("lineage.children[0].learnware", equalTo(owner + "/digits-low-ensemble@1"))
        .body("lineage.children[0].relation", equalTo("combined"));
    // Validated like an upload: the version's own validation job is queued, members included.
    Response validation = claimOf("validate", owner + "/digits-low-ensemble@1");
    assertThat(validation.<List<String>>path("source.members.learnware")).hasSize(2);
    complete(validation, "{\"usable\": true, \"log\": [\"ensemble loads\"]}").statusCode(200);
    given()
        .get("/api/v1/learnwares/{owner}/digits-low-ensemble/versions/latest", owner)
        .then()
        .body("state", equalTo("USABLE"));
  }

  @Test
  void aResultWhoseMemberWasDeletedSinceTheClaimFailsTheJob() {
    String token = MARKET.newUser("publish-gone");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigitsHalves(token, owner);
    uploadData(token, owner);
    MARKET.validateAll();
    String job =
        reuse(token, owner + "/digits-low", List.of(owner + "/digits-high"), null, owner + "/ens")
            .then()
            .statusCode(202)
            .extract()
            .path("id");
    Response claim = claimJob("reuse", job);
    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{owner}/digits-high/versions/1", owner)
        .then()
        .statusCode(204);

    result(claim, reportOf(owner), Ensembles.manifest(Method.MEAN, Ensembles.halves(owner)))
        .statusCode(200)
        .body("state", equalTo("FAILED"))
        .body("error", containsString(owner + "/digits-high@1 does not exist"));
    given().get("/api/v1/learnwares/{owner}/ens", owner).then().statusCode(404);
  }

  @Test
  void onlyAPublishingReuseJobRecordsAnEnsemble() {
    String token = MARKET.newUser("not-distilled");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigitsHalves(token, owner);
    MARKET.validateAll();
    String job =
        MARKET.requestJob(token, Map.of("type", "distill", "source", owner + "/digits-low"));
    Response claim = claimJob("distill", job);

    // A distillation's result bypassing the pin checks as an ensemble is refused.
    result(claim, "{\"fidelity\": 0.9}", Ensembles.manifest(Method.MEAN, Ensembles.halves(owner)))
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/spec/model/format"))
        .body("detail", containsString("a distilled model cannot be an ensemble"));
    fail(claim, "done with it");
  }

  @Test
  void uploadedEnsemblesHaveTheirPinsChecked() {
    String token = MARKET.newUser("upload-ens");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigitsHalves(token, owner);
    MARKET.uploadDigits(token, owner, "pending").then().statusCode(201);
    MARKET.validateAll();
    MARKET.uploadDigits(token, owner, "pending").then().statusCode(201);
    List<Member> halves = Ensembles.halves(owner);

    Ensembles.upload(token, owner, "good", Ensembles.manifest(Method.MEAN, halves))
        .then()
        .statusCode(201)
        .body("state", equalTo("PENDING"));
    given()
        .get("/api/v1/learnwares/{owner}/good/versions/1", owner)
        .then()
        .body(
            "lineage.parents.learnware",
            equalTo(List.of(owner + "/digits-low@1", owner + "/digits-high@1")))
        .body("lineage.parents.relation", equalTo(List.of("combined", "combined")))
        .body("lineage.parents[0].job", nullValue())
        .body("ensemble.method", equalTo("mean"));
    given()
        .get("/api/v1/learnwares/{owner}/good/versions/1/artifact", owner)
        .then()
        .statusCode(200)
        .header("Content-Disposition", containsString("good-v1-ensemble.json"));

    Member wrongSha = new Member(owner + "/digits-low", 1, Sha256.of(Fixtures.bytes(HIGH_MODEL)));
    refused(
        Ensembles.upload(
            token, owner, "bad", Ensembles.manifest(Method.MEAN, List.of(wrongSha, halves.get(1)))),
        422,
        "/model/members/0/sha256",
        "not the pinned " + Sha256.of(Fixtures.bytes(HIGH_MODEL)));
    Member missing = new Member(owner + "/digits-low", 9, halves.get(0).sha256());
    refused(
        Ensembles.upload(
            token, owner, "bad", Ensembles.manifest(Method.MEAN, List.of(missing, halves.get(1)))),
        409,
        "/model/members/0",
        owner + "/digits-low@9 does not exist");
    Member notUsable =
        new Member(owner + "/pending", 2, Sha256.of(Fixtures.bytes(Fixtures.DIGITS_MODEL)));
    refused(
        Ensembles.upload(
            token,
            owner,
            "bad",
            Ensembles.manifest(Method.MEAN, List.of(halves.get(0), notUsable))),
        409,
        "/model/members/1",
        owner + "/pending@2 is PENDING");
    MARKET.validateAll();
    Member nested =
        new Member(owner + "/good", 1, Sha256.of(Ensembles.manifest(Method.MEAN, halves)));
    refused(
        Ensembles.upload(
            token, owner, "bad", Ensembles.manifest(Method.MEAN, List.of(halves.get(0), nested))),
        422,
        "/model/members/1",
        "is itself a published ensemble");
    // The ensemble's spec must declare what its members are.
    ObjectNode wide = Fixtures.json(Ensembles.spec("Too wide"));
    ((ObjectNode) wide.get("output")).put("dimension", 12).remove("labels");
    refused(
        Ensembles.upload(
            token, owner, "bad", wide.toString(), Ensembles.manifest(Method.MEAN, halves)),
        422,
        "/spec/output/dimension",
        "the ensemble.json says output dimension 10, the specification 12");
    ObjectNode relicensed = Fixtures.json(Ensembles.spec("Relicensed"));
    relicensed.put("license", "Apache-2.0");
    refused(
        Ensembles.upload(
            token, owner, "bad", relicensed.toString(), Ensembles.manifest(Method.MEAN, halves)),
        422,
        "/spec/license",
        owner + "/digits-low@1 is licensed MIT; an ensemble carries its members' terms");
    // A model part that is no ensemble.json is refused by its format check.
    Ensembles.upload(token, owner, "bad", "{\"members\": []}".getBytes(StandardCharsets.UTF_8))
        .then()
        .statusCode(422)
        .body("type", containsString("model-format-mismatch"))
        .body("detail", containsString("ensemble.json is invalid"));
    given().get("/api/v1/learnwares/{owner}/bad", owner).then().statusCode(404);
  }

  @Test
  void pinnedVersionsAndLearnwaresCannotBeDeletedUntilTheirEnsemblesAre() {
    String token = MARKET.newUser("pinned");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigitsHalves(token, owner);
    MARKET.validateAll();
    Ensembles.upload(token, owner, "ens", Ensembles.manifest(Method.MEAN, Ensembles.halves(owner)))
        .then()
        .statusCode(201);
    Ensembles.upload(token, owner, "ens", Ensembles.manifest(Method.VOTE, Ensembles.halves(owner)))
        .then()
        .statusCode(201);

    refused(
        given().auth().oauth2(token).delete("/api/v1/learnwares/{o}/digits-low/versions/1", owner),
        409,
        null,
        owner
            + "/digits-low@1 is pinned by the published ensembles "
            + owner
            + "/ens@1, "
            + owner
            + "/ens@2; delete them first.");
    refused(
        given().auth().oauth2(token).delete("/api/v1/learnwares/{o}/digits-high", owner),
        409,
        null,
        "pinned by the published ensembles " + owner + "/ens@1, " + owner + "/ens@2");
    given().get("/api/v1/learnwares/{o}/digits-low/versions/1", owner).then().statusCode(200);

    // The ensembles first (one version, then the whole learnware), then the members.
    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{o}/ens/versions/2", owner)
        .then()
        .statusCode(204);
    given().auth().oauth2(token).delete("/api/v1/learnwares/{o}/ens", owner).then().statusCode(204);
    given().get("/api/v1/learnwares/{o}/ens", owner).then().statusCode(404);
    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{o}/digits-low/versions/1", owner)
        .then()
        .statusCode(204);
    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{o}/digits-high", owner)
        .then()
        .statusCode(204);
    given().get("/api/v1/learnwares/{o}/digits-high", owner).then().statusCode(404);
    // A name deleted whole can be taken again.
    MARKET.uploadDigitsHalf(token, owner, "digits-high", label -> label >= 5);
    given()
        .get("/api/v1/learnwares/{o}/digits-high", owner)
        .then()
        .statusCode(200)
        .body("versions.version", equalTo(List.of(1)));
    // Only owners delete.
    String stranger = MARKET.newUser("not-owner");
    given()
        .auth()
        .oauth2(stranger)
        .delete("/api/v1/learnwares/{o}/digits-high", owner)
        .then()
        .statusCode(403);
  }

  // --- helpers ---

  private static void uploadData(String token, String owner) {
    MARKET.uploadDataset(token, owner, "digits-test", "data/digits-test.csv.gz");
  }

  private static Response reuse(
      String token, String source, List<String> others, String publish, String target) {
    Map<String, Object> params = new HashMap<>();
    params.put("sources", others);
    if (publish != null) {
      params.put("publish", publish);
    }
    Map<String, Object> body = new HashMap<>();
    body.put("type", "reuse");
    body.put("source", source);
    body.put("dataset", source.substring(0, source.indexOf('/')) + "/digits-test");
    body.put("params", params);
    if (target != null) {
      body.put("target", target);
    }
    return MARKET.postJob(token, body);
  }

  private static void refused(Response response, int status, String pointer, String message) {
    ValidatableResponse then =
        response
            .then()
            .statusCode(status)
            .contentType("application/problem+json")
            .body("detail", containsString(message));
    if (pointer != null) {
      then.body("violations[0].pointer", equalTo(pointer));
    }
  }

  private static String reportOf(String owner) {
    return """
        {"rows": 360, "learnwares": ["%1$s/digits-low@1", "%1$s/digits-high@1"]}
        """
        .formatted(owner);
  }

  /** Claims jobs of {@code type} until {@code id} comes up; others are failed on the way. */
  static Response claimJob(String type, String id) {
    for (int i = 0; i < 1000; i++) {
      Response claim = MARKET.claim(type);
      if (claim.statusCode() != 200) {
        throw new AssertionError("job " + id + " never came up");
      }
      if (id.equals(claim.path("id"))) {
        return claim;
      }
      fail(claim, "not this test's job");
    }
    throw new AssertionError("queue does not drain");
  }

  /** Claims jobs of {@code type} until one on {@code source} comes up; others are completed. */
  static Response claimOf(String type, String source) {
    for (int i = 0; i < 1000; i++) {
      Response claim = MARKET.claim(type);
      if (claim.statusCode() != 200) {
        throw new AssertionError("no " + type + " job on " + source);
      }
      if (source.equals(claim.path("source.learnware"))) {
        return claim;
      }
      complete(claim, "{\"usable\": true}");
    }
    throw new AssertionError("queue does not drain");
  }

  private static Response input(String job, String lease, String sha) {
    return given()
        .auth()
        .oauth2(WORKER)
        .header("Lease-Id", lease)
        .get("/api/v1/worker/jobs/{id}/inputs/{sha}", job, sha);
  }

  private static ValidatableResponse result(Response claim, String report, byte[] manifest) {
    return given()
        .auth()
        .oauth2(WORKER)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart("report", report)
        .multiPart("spec", Ensembles.spec("Ensemble of the digits halves"))
        .multiPart("model", "ensemble.json", manifest, "application/json")
        .post("/api/v1/worker/jobs/{id}/complete", claim.<String>path("id"))
        .then();
  }

  private static ValidatableResponse complete(Response claim, String report) {
    return given()
        .auth()
        .oauth2(WORKER)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart("report", report)
        .post("/api/v1/worker/jobs/{id}/complete", claim.<String>path("id"))
        .then();
  }

  private static void fail(Response claim, String error) {
    given()
        .auth()
        .oauth2(WORKER)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .contentType("application/json")
        .body(Map.of("error", error, "retryable", false))
        .post("/api/v1/worker/jobs/{id}/fail", claim.<String>path("id"))
        .then()
        .statusCode(200);
  }
}
