package io.learnware.market.account;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.RealData;
import io.learnware.spec.rkme.RealData.Labelled;
import io.learnware.spec.rkme.Rkme;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * Private learnwares as outsiders and members see them: statistical search that is exactly that of
 * a market without the hidden learnware, and lineage across visibility.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class PrivateLearnwaresTest {

  private static final String WORKER = EmbeddedPostgresResource.WORKER_TOKEN;
  private static final IntPredicate LOW = l -> l < 5;
  private static final IntPredicate HIGH = l -> l >= 5;

  @Test
  void aPrivateBestMatchLeavesOutsidersResultsExactlyAsWithoutIt() {
    String owner = MARKET.newUser("searcher");
    String ownerName = MARKET.usernameOf(owner);
    String outsider = MARKET.newUser("outsider");
    Labelled[] digits = RealData.digits().split(0.5, 20261206);
    upload(owner, ownerName, "digits-low", tableSpec("Digits 0-4", digits[0].where(LOW).x()), null);
    upload(
        owner, ownerName, "digits-high", tableSpec("Digits 5-9", digits[0].where(HIGH).x()), null);
    // The held-out low digits themselves: a better match for a low-digit user than digits-low.
    upload(
        owner,
        ownerName,
        "secret-low",
        tableSpec("Secret 0-4", digits[1].where(LOW).x()),
        "private");
    MARKET.validateAll();
    ObjectNode query = rkme(digits[1].where(LOW).x());
    // Once narrowed to the owner's learnwares (the filtered path) and once over the whole market.
    List<Map<String, Object>> requests =
        List.of(
            Map.of("statistical", query, "filters", Map.of("owner", ownerName)),
            Map.of("statistical", query, "limit", 100));

    String member = search(owner, requests.getFirst());
    assertThat(Fixtures.json(member).at("/single/0/learnware").asText())
        .isEqualTo(ownerName + "/secret-low@1");
    assertThat(Fixtures.json(member).at("/single/0/visibility").asText()).isEqualTo("private");
    List<String> outsiders = requests.stream().map(r -> search(outsider, r)).toList();
    List<String> anonymous = requests.stream().map(r -> search(null, r)).toList();
    assertThat(Fixtures.json(outsiders.getFirst()).at("/single/0/learnware").asText())
        .isEqualTo(ownerName + "/digits-low@1");
    assertThat(outsiders.toString()).doesNotContain("secret-low");
    String browse = browse(outsider, ownerName);

    given()
        .auth()
        .oauth2(owner)
        .delete("/api/v1/learnwares/{owner}/secret-low", ownerName)
        .then()
        .statusCode(204);

    // Byte for byte: order, scores, MMDs, totals and the mixture.
    assertThat(requests.stream().map(r -> search(outsider, r)).toList()).isEqualTo(outsiders);
    assertThat(requests.stream().map(r -> search(null, r)).toList()).isEqualTo(anonymous);
    assertThat(browse(outsider, ownerName)).isEqualTo(browse);
  }

  @Test
  void lineageNamesPrivateRelativesOnlyToThoseWhoMayReadThem() {
    String admin = MARKET.newUser("team-admin");
    String adminName = MARKET.usernameOf(admin);
    String org = "lab-" + adminName.substring(adminName.length() - 8);
    createOrganisation(admin, org);
    String reader = MARKET.newUser("reader");
    String readerName = MARKET.usernameOf(reader);
    addMember(admin, org, readerName, "read");
    String outsider = MARKET.newUser("outsider");
    MARKET
        .digitsUpload(admin)
        .queryParam("visibility", "private")
        .post("/api/v1/learnwares/{owner}/teacher/versions", org)
        .then()
        .statusCode(201);
    MARKET.validateAll();

    // A reader distils the private teacher into a public student of their own.
    String publicJob =
        MARKET.requestJob(
            reader,
            Map.of(
                "type",
                "distill",
                "source",
                org + "/teacher",
                "target",
                readerName + "/open-student",
                "visibility",
                "public"));
    complete(publicJob);
    // Without a choice, a result of a private source is private.
    String defaultJob =
        MARKET.requestJob(
            reader,
            Map.of(
                "type", "distill", "source", org + "/teacher", "target", readerName + "/student"));
    complete(defaultJob);

    given()
        .get("/api/v1/learnwares/{owner}/open-student/versions/1", readerName)
        .then()
        .statusCode(200)
        .body("visibility", equalTo("public"))
        .body("lineage.parents[0].learnware", nullValue())
        .body("lineage.parents[0].job", nullValue())
        .body("lineage.parents[0].relation", equalTo("distilled"))
        .body("lineage.parents[0].visibility", equalTo("private"));
    given()
        .auth()
        .oauth2(outsider)
        .get("/api/v1/learnwares/{owner}/open-student/versions/1", readerName)
        .then()
        .statusCode(200)
        .body("lineage.parents[0].learnware", nullValue());
    given()
        .auth()
        .oauth2(reader)
        .get("/api/v1/learnwares/{owner}/open-student/versions/1", readerName)
        .then()
        .body("lineage.parents[0].learnware", equalTo(org + "/teacher@1"))
        .body("lineage.parents[0].job", equalTo(publicJob))
        .body("lineage.parents[0].visibility", equalTo("private"));
    given()
        .auth()
        .oauth2(reader)
        .get("/api/v1/learnwares/{owner}/teacher/versions/1", org)
        .then()
        .statusCode(200)
        .body("visibility", equalTo("private"))
        .body("lineage.children.learnware", hasSize(2));
    given()
        .auth()
        .oauth2(outsider)
        .get("/api/v1/learnwares/{owner}/student", readerName)
        .then()
        .statusCode(404)
        .body("detail", equalTo("No learnware " + readerName + "/student."));
    given()
        .auth()
        .oauth2(reader)
        .get("/api/v1/learnwares/{owner}/student", readerName)
        .then()
        .statusCode(200)
        .body("visibility", equalTo("private"));
    // The outsider cannot use the private teacher either, nor tell it from a missing one.
    String missing =
        given()
            .auth()
            .oauth2(outsider)
            .contentType("application/json")
            .body(Map.of("type", "distill", "source", org + "/no-such-teacher"))
            .post("/api/v1/jobs")
            .then()
            .statusCode(404)
            .extract()
            .path("detail");
    given()
        .auth()
        .oauth2(outsider)
        .contentType("application/json")
        .body(Map.of("type", "distill", "source", org + "/teacher"))
        .post("/api/v1/jobs")
        .then()
        .statusCode(404)
        .body("detail", equalTo(missing.replace("no-such-teacher", "teacher")));
  }

  @Test
  void organisationsHaveRolesAnAuditLogAndALastAdmin() {
    String admin = MARKET.newUser("org-admin");
    String adminName = MARKET.usernameOf(admin);
    String org = "org-" + adminName.substring(adminName.length() - 8);
    String writer = MARKET.newUser("writer");
    String writerName = MARKET.usernameOf(writer);

    createOrganisation(admin, org);
    // Users and organisations share one set of names.
    given()
        .auth()
        .oauth2(writer)
        .contentType("application/json")
        .body(Map.of("name", adminName))
        .post("/api/v1/organisations")
        .then()
        .statusCode(409);
    addMember(admin, org, writerName, "read");
    addMember(admin, org, writerName, "write");
    // A writer is no admin: members are the admins' business.
    given()
        .auth()
        .oauth2(writer)
        .contentType("application/json")
        .body(Map.of("role", "admin"))
        .put("/api/v1/namespaces/{org}/members/{user}", org, writerName)
        .then()
        .statusCode(403)
        .body("detail", equalTo("Your role in '" + org + "' is write; this needs the role admin."));
    MARKET.uploadDigits(writer, org, "shared").then().statusCode(201);
    given()
        .auth()
        .oauth2(writer)
        .contentType("application/json")
        .body(Map.of("visibility", "private"))
        .put("/api/v1/learnwares/{org}/shared/visibility", org)
        .then()
        .statusCode(403);
    given()
        .auth()
        .oauth2(admin)
        .contentType("application/json")
        .body(Map.of("visibility", "private"))
        .put("/api/v1/learnwares/{org}/shared/visibility", org)
        .then()
        .statusCode(200)
        .body("visibility", equalTo("private"));
    given()
        .auth()
        .oauth2(writer)
        .contentType("application/json")
        .body(Map.of("version", 1))
        .put("/api/v1/learnwares/{org}/shared/aliases/prod", org)
        .then()
        .statusCode(200);
    MARKET.uploadDataset(writer, org, "digits-test", "data/digits-test.csv.gz");
    // A member's data set is the namespace's: its readers read it, strangers do not see it.
    given()
        .auth()
        .oauth2(admin)
        .get("/api/v1/datasets/{org}/digits-test", org)
        .then()
        .statusCode(200);
    given()
        .auth()
        .oauth2(MARKET.newUser("stranger"))
        .get("/api/v1/datasets/{org}/digits-test", org)
        .then()
        .statusCode(404);
    // The last admin stays; a user's own namespace has its user as its only member.
    given()
        .auth()
        .oauth2(admin)
        .delete("/api/v1/namespaces/{org}/members/{user}", org, adminName)
        .then()
        .statusCode(409)
        .body(
            "detail",
            equalTo(
                "'"
                    + adminName
                    + "' is the last admin of '"
                    + org
                    + "'; make another member admin first."));
    given()
        .auth()
        .oauth2(admin)
        .contentType("application/json")
        .body(Map.of("role", "read"))
        .put("/api/v1/namespaces/{ns}/members/{user}", adminName, writerName)
        .then()
        .statusCode(409);
    given()
        .auth()
        .oauth2(admin)
        .delete("/api/v1/namespaces/{org}/members/{user}", org, writerName)
        .then()
        .statusCode(204);
    // Removed, the writer no longer sees the private learnware.
    given()
        .auth()
        .oauth2(writer)
        .get("/api/v1/learnwares/{org}/shared", org)
        .then()
        .statusCode(404);
    given()
        .auth()
        .oauth2(writer)
        .get("/api/v1/namespaces/{org}", org)
        .then()
        .statusCode(200)
        .body("kind", equalTo("organisation"))
        .body("members", nullValue());

    Response audit =
        given()
            .auth()
            .oauth2(admin)
            .get("/api/v1/namespaces/{org}/audit", org)
            .then()
            .statusCode(200)
            .extract()
            .response();
    assertThat(audit.jsonPath().getList("action"))
        .containsExactly(
            "member.removed",
            "dataset.uploaded",
            "alias.set",
            "visibility.changed",
            "version.uploaded",
            "member.role-changed",
            "member.added",
            "organisation.created");
    assertThat(audit.jsonPath().getList("actor"))
        .containsExactly(
            adminName,
            writerName,
            writerName,
            adminName,
            writerName,
            adminName,
            adminName,
            adminName);
    assertThat(audit.jsonPath().getMap("[3].detail"))
        .isEqualTo(Map.of("from", "public", "to", "private"));
    assertThat(audit.jsonPath().getMap("[5].detail"))
        .isEqualTo(Map.of("member", writerName, "from", "read", "to", "write"));
    assertThat(audit.jsonPath().getString("[4].learnware")).isEqualTo("shared");
    given().auth().oauth2(writer).get("/api/v1/namespaces/{org}/audit", org).then().statusCode(403);
  }

  @Test
  void tokensCarryScopesNamespacesAndExpiryAndNeverGrantMoreThanTheirCreator() {
    String user = MARKET.newUser("scoped");
    String username = MARKET.usernameOf(user);
    String org = "ns-" + username.substring(username.length() - 8);
    createOrganisation(user, org);
    String readOnly = createToken(user, Map.of("name", "ci", "scopes", List.of("read")));

    given()
        .auth()
        .oauth2(readOnly)
        .get("/api/v1/me")
        .then()
        .statusCode(200)
        .body("scopes", equalTo(List.of("read")))
        .body("tokenNamespaces", nullValue())
        .body("namespaces.namespace", hasItems(username, org));
    MARKET
        .digitsUpload(readOnly)
        .post("/api/v1/learnwares/{owner}/blocked/versions", username)
        .then()
        .statusCode(403)
        .body("type", equalTo("urn:learnware:problem:missing-scope"))
        .body("detail", containsString("lacks the scope 'write'"));
    // A token cannot mint a stronger one.
    given()
        .auth()
        .oauth2(readOnly)
        .contentType("application/json")
        .body(Map.of("scopes", List.of("read", "write")))
        .post("/api/v1/tokens")
        .then()
        .statusCode(403)
        .body("type", equalTo("urn:learnware:problem:missing-scope"));
    String inOrg = createToken(user, Map.of("name", "org only", "namespaces", List.of(org)));
    MARKET.uploadDigits(inOrg, org, "allowed").then().statusCode(201);
    MARKET
        .digitsUpload(inOrg)
        .post("/api/v1/learnwares/{owner}/elsewhere/versions", username)
        .then()
        .statusCode(403)
        .body("type", equalTo("urn:learnware:problem:missing-scope"))
        .body("detail", containsString("limited to the namespaces [" + org + "]"));
    given()
        .auth()
        .oauth2(user)
        .contentType("application/json")
        .body(Map.of("expiresAt", Instant.now().minus(Duration.ofMinutes(1)).toString()))
        .post("/api/v1/tokens")
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/expiresAt"));
    given()
        .auth()
        .oauth2(user)
        .contentType("application/json")
        .body(Map.of("scopes", List.of("everything")))
        .post("/api/v1/tokens")
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/scopes/0"));

    Response tokens =
        given()
            .auth()
            .oauth2(user)
            .get("/api/v1/tokens")
            .then()
            .statusCode(200)
            .extract()
            .response();
    assertThat(tokens.jsonPath().getList("name")).containsExactly("initial", "ci", "org only");
    assertThat(tokens.jsonPath().getList("scopes[1]")).containsExactly("read");
    assertThat(tokens.jsonPath().getList("namespaces[2]")).containsExactly(org);
    assertThat(tokens.asString()).doesNotContain(readOnly).doesNotContain(inOrg);
    Response audit =
        given()
            .auth()
            .oauth2(user)
            .get("/api/v1/namespaces/{ns}/audit", username)
            .then()
            .statusCode(200)
            .extract()
            .response();
    assertThat(audit.jsonPath().getList("action"))
        .containsExactly("token.created", "token.created");
    assertThat(audit.asString()).doesNotContain(readOnly).doesNotContain(inOrg);
  }

  static void createOrganisation(String token, String name) {
    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(Map.of("name", name))
        .post("/api/v1/organisations")
        .then()
        .statusCode(201)
        .body("kind", equalTo("organisation"))
        .body("members[0].role", equalTo("admin"));
  }

  static void addMember(String adminToken, String org, String username, String role) {
    given()
        .auth()
        .oauth2(adminToken)
        .contentType("application/json")
        .body(Map.of("role", role))
        .put("/api/v1/namespaces/{org}/members/{user}", org, username)
        .then()
        .statusCode(200);
  }

  private static String createToken(String token, Map<String, ?> body) {
    return given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(body)
        .post("/api/v1/tokens")
        .then()
        .statusCode(201)
        .extract()
        .path("token");
  }

  /** Completes the distill job {@code id} as a worker would, with the digits model as result. */
  private static void complete(String id) {
    Response claim = MARKET.claim("distill");
    assertThat(claim.<String>path("id")).isEqualTo(id);
    given()
        .auth()
        .oauth2(WORKER)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart("report", "{\"fidelity\": 0.97, \"accuracy\": 0.95}")
        .multiPart("spec", Fixtures.text(Fixtures.DIGITS_SPEC))
        .multiPart(
            "model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL), "application/octet-stream")
        .multiPart(
            "file",
            "features.pt",
            Fixtures.bytes(Fixtures.DIGITS_FEATURES),
            "application/octet-stream")
        .post("/api/v1/worker/jobs/{id}/complete", id)
        .then()
        .statusCode(200)
        .body("state", equalTo("SUCCEEDED"));
  }

  private static String search(String token, Map<String, Object> body) {
    var request = given().contentType("application/json").body(body);
    if (token != null) {
      request = request.auth().oauth2(token);
    }
    return request.post("/api/v1/search").then().statusCode(200).extract().asString();
  }

  private static String browse(String token, String owner) {
    return given()
        .auth()
        .oauth2(token)
        .queryParam("owner", owner)
        .get("/api/v1/learnwares")
        .then()
        .statusCode(200)
        .extract()
        .asString();
  }

  private static void upload(
      String token, String owner, String name, String spec, String visibility) {
    MARKET
        .upload(token, owner, name, spec, Fixtures.DIGITS_MODEL, visibility)
        .then()
        .statusCode(201);
  }

  private static String tableSpec(String title, Matrix x) {
    ObjectNode spec = Fixtures.json(Fixtures.text(Fixtures.DIGITS_SPEC));
    spec.put("name", title);
    spec.set("statistical", rkme(x));
    return spec.toString();
  }

  private static ObjectNode rkme(Matrix x) {
    return SpecDocuments.mapper().valueToTree(Rkme.builder().setData(x).build().toSpec());
  }
}
