package io.learnware.market.account;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.Method;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's permission matrix: every endpoint × every caller × a public and a private learnware,
 * against one table ({@link #ROWS}). The OpenAPI document is checked against the table, so that an
 * endpoint cannot be added without a row. docs/access.md is the reference for the expectations.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class PermissionMatrixTest {

  /** The callers, in the order of every expectation string. */
  enum Who {
    ANONYMOUS,
    OUTSIDER,
    READ,
    WRITE,
    ADMIN,
    SITE_ADMIN;

    /** Whether the caller may read the organisation's private things. */
    boolean reads() {
      return this != ANONYMOUS && this != OUTSIDER;
    }
  }

  enum Vis {
    PUBLIC,
    PRIVATE
  }

  private static final String API = "/api/v1";
  private static final String LW = API + "/learnwares/{owner}/{name}";
  private static final String VERSION = LW + "/versions/{ref}";
  private static final String DATASET = API + "/datasets/{owner}/{name}";
  private static final String IDX_IMAGES =
      "data/fashion-mnist/new-classes-train-images-idx3-ubyte.gz";
  private static final String IDX_LABELS =
      "data/fashion-mnist/new-classes-train-labels-idx1-ubyte.gz";

  /** The organisation and what lives in it, made once for the class. */
  private static World world;

  // ---------------------------------------------------------------------------------------------
  // The table. Expectations are "anonymous outsider read write admin site-admin"; one string for
  // both columns, or one for the public learnware and one for the private one.
  // ---------------------------------------------------------------------------------------------

  private static final List<Row> ROWS =
      List.of(
          // Accounts and tokens.
          row("GET", API + "/me").expect("401 200 200 200 200 200"),
          row("POST", API + "/users")
              .with(
                  (c, s) ->
                      s.contentType("application/json").body(Map.of("username", unique("pm-u"))))
              .expect("401 403 403 403 403 201"),
          row("POST", API + "/tokens")
              .with((c, s) -> s.contentType("application/json").body(Map.of("name", "matrix")))
              .expect("401 201 201 201 201 201"),
          row("GET", API + "/tokens").expect("401 200 200 200 200 200"),
          // The caller's own token (anonymous: the outsider's), new for each cell.
          row("DELETE", API + "/tokens/{id}")
              .as(" own")
              .params(c -> Map.of("id", newToken(c.who == Who.ANONYMOUS ? Who.OUTSIDER : c.who)))
              .expect("401 204 204 204 204 204"),
          // Someone else's token: the write member's, new for each cell. Tokens are their owners'.
          row("DELETE", API + "/tokens/{id}")
              .as(" of another user")
              .params(c -> Map.of("id", newToken(Who.WRITE)))
              .expect("401 404 404 204 404 404"),
          row("POST", API + "/worker-tokens")
              .with(
                  (c, s) -> s.contentType("application/json").body(Map.of("name", unique("pm-w"))))
              .expect("401 403 403 403 403 201"),
          row("GET", API + "/worker-tokens").expect("401 403 403 403 403 200"),
          row("DELETE", API + "/worker-tokens/{id}")
              .params(c -> Map.of("id", newWorkerToken()))
              .expect("401 403 403 403 403 204"),

          // Namespaces.
          row("POST", API + "/organisations")
              .with(
                  (c, s) -> s.contentType("application/json").body(Map.of("name", unique("pm-o"))))
              .expect("401 201 201 201 201 201"),
          row("GET", API + "/namespaces/{name}")
              .params(c -> Map.of("name", world.org))
              .expect("200 200 200 200 200 200")
              .check(
                  (c, r) ->
                      (r.path("members") != null) == c.who.reads()
                          ? null
                          : "members " + (c.who.reads() ? "missing" : "listed to a non-member")),
          row("PUT", API + "/namespaces/{name}/members/{username}")
              .params(c -> Map.of("name", world.org, "username", world.joiner))
              .with((c, s) -> s.contentType("application/json").body(Map.of("role", "read")))
              .expect("401 403 403 403 200 200"),
          // The leaver is (re-)added before each cell.
          row("DELETE", API + "/namespaces/{name}/members/{username}")
              .params(
                  c -> {
                    world.putMember(world.leaver, "read");
                    return Map.of("name", world.org, "username", world.leaver);
                  })
              .expect("401 403 403 403 204 204"),
          row("GET", API + "/namespaces/{name}/audit")
              .params(c -> Map.of("name", world.org))
              .expect("401 403 403 403 200 200"),

          // Learnwares: listings.
          row("GET", API + "/learnwares")
              .with((c, s) -> s.queryParam("owner", world.org))
              .expect("200 200 200 200 200 200")
              .check(PermissionMatrixTest::listedIfVisible),
          // PENDING listings are the namespace's business.
          row("GET", API + "/learnwares")
              .as(" ?state=PENDING")
              .with((c, s) -> s.queryParam("owner", world.org).queryParam("state", "PENDING"))
              .expect("401 403 200 200 200 200"),
          row("POST", API + "/search")
              .with(
                  (c, s) ->
                      s.contentType("application/json")
                          .body(Map.of("filters", Map.of("owner", world.org), "limit", 100)))
              .expect("200 200 200 200 200 200")
              .check(PermissionMatrixTest::foundIfVisible),

          // Learnwares: reads. Private ones are 404 to those who may not read them.
          readRow(LW, c -> Map.of()),
          readRow(VERSION, c -> Map.of("ref", "1")).as(" ref=1"),
          readRow(VERSION, c -> Map.of("ref", "latest")).as(" ref=latest"),
          readRow(VERSION, c -> Map.of("ref", World.ALIAS)).as(" ref=alias"),
          readRow(VERSION + "/spec", c -> Map.of("ref", "1")),
          readRow(VERSION + "/artifact", c -> Map.of("ref", World.ALIAS)),
          readRow(VERSION + "/spec/statistical", c -> Map.of("ref", "1"))
              .with((c, s) -> s.queryParam("format", "beimingwu")),
          readRow(VERSION + "/download", c -> Map.of("ref", "latest"))
              .with((c, s) -> s.queryParam("format", "beimingwu")),
          readRow(
              VERSION + "/files/{filename}", c -> Map.of("ref", "1", "filename", "features.pt")),

          // Learnwares: writes. An upload into a namespace one does not belong to is 403 whether
          // or not the learnware exists; every other write to a hidden learnware is 404.
          row("POST", LW + "/versions")
              .params(c -> lw(c, Map.of()))
              .with(
                  (c, s) ->
                      s.multiPart(
                              "spec",
                              "spec.json",
                              Fixtures.bytes(Fixtures.DIGITS_SPEC),
                              "application/json")
                          .multiPart(
                              "model",
                              "model.pt",
                              Fixtures.bytes(Fixtures.DIGITS_MODEL),
                              "application/octet-stream")
                          .multiPart(
                              "file",
                              "features.pt",
                              Fixtures.bytes(Fixtures.DIGITS_FEATURES),
                              "application/octet-stream"))
              .expect("401 403 403 201 201 201")
              .hidden(Vis.PRIVATE),
          // A new version of the learnware, made again after each cell that deleted it.
          row("DELETE", VERSION)
              .params(c -> lw(c, Map.of("ref", c.ghost ? "1" : world.doomedVersions.get(c.vis))))
              .expect("401 403 403 204 204 204", "401 404 403 204 204 204")
              .hidden(Vis.PRIVATE)
              .after((c, p, r) -> world.doomedVersions.usedIf(c, r)),
          // A learnware of its own, made again after each cell that deleted it.
          row("DELETE", LW)
              .params(
                  c ->
                      Map.of(
                          "owner",
                          world.org,
                          "name",
                          c.ghost ? World.GHOST : world.doomedLearnwares.get(c.vis)))
              .expect("401 403 403 403 204 204", "401 404 403 403 204 204")
              .hidden(Vis.PRIVATE)
              .after((c, p, r) -> world.doomedLearnwares.usedIf(c, r)),
          // Setting the visibility it has already: allowed, and nothing changes.
          row("PUT", LW + "/visibility")
              .params(c -> lw(c, Map.of()))
              .with(
                  (c, s) ->
                      s.contentType("application/json")
                          .body(Map.of("visibility", c.vis == Vis.PUBLIC ? "public" : "private")))
              .expect("401 403 403 403 200 200", "401 404 403 403 200 200")
              .hidden(Vis.PRIVATE),
          row("PUT", LW + "/aliases/{alias}")
              .params(c -> lw(c, Map.of("alias", World.ALIAS)))
              .with((c, s) -> s.contentType("application/json").body(Map.of("version", 1)))
              .expect("401 403 403 200 200 200", "401 404 403 200 200 200")
              .hidden(Vis.PRIVATE),
          // Jobs read their source: anyone who may read it may run them (results go to the
          // caller's own namespace by default). The queued jobs are cancelled after each cell.
          row("POST", VERSION + "/distillations")
              .params(c -> lw(c, Map.of("ref", "1")))
              .with((c, s) -> s.contentType("application/json").body(Map.of("epochs", 1)))
              .expect("401 202 202 202 202 202", "401 404 202 202 202 202")
              .hidden(Vis.PRIVATE)
              .after((c, p, r) -> cancelQueued(r)),

          // Jobs.
          row("POST", API + "/jobs")
              .as(" robustness")
              .with(
                  (c, s) ->
                      s.contentType("application/json")
                          .body(
                              Map.of(
                                  "type", "robustness", "source", world.org + "/" + c.lw() + "@1")))
              .expect("401 202 202 202 202 202", "401 404 202 202 202 202")
              .hidden(Vis.PRIVATE)
              .after((c, p, r) -> cancelQueued(r)),
          // A data set of the organisation as a job's input: hidden from outsiders like the
          // learnware (the source is checked first, so the private column says "No learnware").
          row("POST", API + "/jobs")
              .as(" evaluate, org data set")
              .with(
                  (c, s) ->
                      s.contentType("application/json")
                          .body(
                              Map.of(
                                  "type",
                                  "evaluate",
                                  "source",
                                  world.org + "/" + c.lw() + "@1",
                                  "dataset",
                                  world.org + "/" + World.DATA_SET)))
              .expect("401 404 202 202 202 202")
              .check(
                  (c, r) -> {
                    String expected =
                        c.vis == Vis.PUBLIC
                            ? "No data set " + world.org + "/" + World.DATA_SET + "."
                            : "No learnware " + world.org + "/" + World.PRIVATE + ".";
                    return r.statusCode() != 404 || expected.equals(r.path("detail"))
                        ? null
                        : "detail " + r.path("detail") + ", expected " + expected;
                  })
              .hidden(Vis.PRIVATE)
              .after((c, p, r) -> cancelQueued(r)),
          // A job's result goes to a namespace where the caller may write.
          row("POST", API + "/jobs")
              .as(" distill into the org")
              .with(
                  (c, s) ->
                      s.contentType("application/json")
                          .body(
                              Map.of(
                                  "type",
                                  "distill",
                                  "source",
                                  world.org + "/" + c.lw() + "@1",
                                  "target",
                                  world.org + "/copy")))
              .expect("401 403 403 202 202 202", "401 404 403 202 202 202")
              .hidden(Vis.PRIVATE)
              .after((c, p, r) -> cancelQueued(r)),
          row("GET", API + "/jobs").expect("401 200 200 200 200 200"),
          // A job is seen by its requester (the write member) and site admins only.
          row("GET", API + "/jobs/{id}")
              .params(c -> Map.of("id", world.finishedJobs.get(c.vis)))
              .expect("401 404 404 200 404 200"),
          row("GET", API + "/jobs/{id}/events")
              .params(c -> Map.of("id", world.finishedJobs.get(c.vis)))
              .expect("401 404 404 200 404 200"),
          row("POST", API + "/jobs/{id}/cancel")
              .params(c -> Map.of("id", world.queueJob(c.vis)))
              .expect("401 404 404 200 404 200")
              .after((c, p, r) -> cancel((String) p.get("id"))),

          // Data sets: always private to their namespace.
          row("POST", DATASET)
              .params(c -> Map.of("owner", world.org, "name", unique("set")))
              .with(
                  (c, s) ->
                      s.multiPart(
                              "data", "images.gz", Fixtures.bytes(IDX_IMAGES), "application/gzip")
                          .multiPart(
                              "labels",
                              "labels.gz",
                              Fixtures.bytes(IDX_LABELS),
                              "application/gzip"))
              .expect("401 403 403 201 201 201"),
          datasetRow(DATASET),
          datasetRow(DATASET + "/data"),
          datasetRow(DATASET + "/labels"),

          // The worker protocol takes worker tokens only: users are refused before anything else.
          row("POST", API + "/worker/claim")
              .with(
                  (c, s) ->
                      s.contentType("application/json")
                          .body(
                              Map.of(
                                  "workerId",
                                  "matrix",
                                  "types",
                                  List.of("validate"),
                                  "device",
                                  "cpu")))
              .expect("401 403 403 403 403 403"),
          row("GET", API + "/worker/jobs/{id}/inputs/{sha256}")
              .params(c -> Map.of("id", world.finishedJobs.get(c.vis), "sha256", "0".repeat(64)))
              .expect("401 403 403 403 403 403"),
          row("POST", API + "/worker/jobs/{id}/heartbeat")
              .params(c -> Map.of("id", world.finishedJobs.get(c.vis)))
              .with(
                  (c, s) ->
                      s.header("Lease-Id", UUID.randomUUID().toString())
                          .contentType("application/json")
                          .body(Map.of("progress", 0.5, "message", "matrix")))
              .expect("401 403 403 403 403 403"),
          row("POST", API + "/worker/jobs/{id}/complete")
              .params(c -> Map.of("id", world.finishedJobs.get(c.vis)))
              .with(
                  (c, s) ->
                      s.header("Lease-Id", UUID.randomUUID().toString())
                          .multiPart("report", "{\"usable\": true}"))
              .expect("401 403 403 403 403 403"),
          row("POST", API + "/worker/jobs/{id}/fail")
              .params(c -> Map.of("id", world.finishedJobs.get(c.vis)))
              .with(
                  (c, s) ->
                      s.header("Lease-Id", UUID.randomUUID().toString())
                          .contentType("application/json")
                          .body(Map.of("error", "matrix", "retryable", false)))
              .expect("401 403 403 403 403 403"));

  private static Row readRow(String template, Function<Cell, Map<String, Object>> params) {
    return row("GET", template)
        .params(c -> lw(c, params.apply(c)))
        .expect("200 200 200 200 200 200", "404 404 200 200 200 200")
        .hidden(Vis.PRIVATE);
  }

  private static Row datasetRow(String template) {
    return row("GET", template)
        .params(c -> Map.of("owner", world.org, "name", c.ghost ? World.GHOST : World.DATA_SET))
        .expect("401 404 200 200 200 200")
        .hidden(Vis.PUBLIC, Vis.PRIVATE);
  }

  /** Path parameters naming the cell's learnware in the organisation, plus {@code more}. */
  private static Map<String, Object> lw(Cell c, Map<String, Object> more) {
    Map<String, Object> params = new LinkedHashMap<>(more);
    params.put("owner", world.org);
    params.put("name", c.lw());
    return params;
  }

  // ---------------------------------------------------------------------------------------------
  // The tests.
  // ---------------------------------------------------------------------------------------------

  @Test
  void everyEndpointAnswersEveryCallerAsTheTableSays() {
    world();
    List<String> failures = new ArrayList<>();
    StringBuilder matrix = new StringBuilder();
    matrix.append(
        "%-7s %-66s | %-23s | %-23s%n"
            .formatted(
                "",
                "callers: anonymous outsider read write admin site-admin",
                "public",
                "private"));
    for (Row row : ROWS) {
      StringBuilder line =
          new StringBuilder("%-7s %-66s".formatted(row.method, row.template + row.label));
      for (Vis vis : Vis.values()) {
        line.append(" |");
        for (Who who : Who.values()) {
          Cell cell = new Cell(who, vis, false);
          int expected = row.expected.get(vis)[who.ordinal()];
          String where =
              row.method + " " + row.template + row.label + " [" + vis + ", " + who + "]";
          Response response;
          Map<String, Object> params;
          try {
            params = row.params.apply(cell);
            response = row.send(cell, params);
          } catch (RuntimeException e) {
            failures.add(where + ": " + e);
            line.append(" ERR");
            continue;
          }
          int actual = response.statusCode();
          String problem = null;
          if (actual != expected) {
            problem = "expected " + expected + ", got " + actual + ": " + body(response);
          } else if (row.check != null) {
            problem = row.check.apply(cell, response);
          }
          if (problem == null && row.hidden.contains(vis) && !who.reads()) {
            problem = sameAsAbsent(row, cell, params, response);
          }
          row.after.run(cell, params, response);
          if (problem != null) {
            failures.add(where + ": " + problem);
            line.append(" %3d!%-3d".formatted(actual, expected));
          } else {
            line.append(" %3d".formatted(actual));
          }
        }
      }
      matrix.append(line).append('\n');
    }
    System.out.println("Permission matrix (actual, or actual!expected):\n" + matrix);
    assertThat(failures)
        .as(() -> "cells that broke:\n" + String.join("\n", failures) + "\n\n" + matrix)
        .isEmpty();
  }

  /**
   * Every operation the OpenAPI document lists under /api/v1 (the streamed upload route is merged
   * in from META-INF/openapi.yaml) has a row, and every row names one of them.
   */
  @Test
  void theTableCoversEveryEndpointOfTheOpenApiDocument() {
    JsonPath openapi =
        given()
            .queryParam("format", "json")
            .get("/q/openapi")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    Map<String, Map<String, Object>> paths = openapi.getMap("paths");
    Set<String> documented = new TreeSet<>();
    paths.forEach(
        (path, operations) ->
            operations.keySet().stream()
                .filter(m -> Set.of("get", "put", "post", "delete", "patch", "head").contains(m))
                .filter(m -> path.startsWith(API + "/"))
                .forEach(m -> documented.add(m.toUpperCase() + " " + path)));
    Set<String> tabled =
        ROWS.stream()
            .map(r -> r.method + " " + r.template)
            .collect(Collectors.toCollection(TreeSet::new));

    Set<String> missing = new TreeSet<>(documented);
    missing.removeAll(tabled);
    Set<String> unknown = new TreeSet<>(tabled);
    unknown.removeAll(documented);
    assertThat(missing)
        .as("endpoints without a row in PermissionMatrixTest.ROWS: add one for each")
        .isEmpty();
    assertThat(unknown).as("rows naming no documented endpoint").isEmpty();
    assertThat(documented).contains("POST " + LW + "/versions");
  }

  /** Tokens narrow what the user's role allows: scopes, namespaces, creation rules, expiry. */
  @Test
  void tokensNarrowWhatRolesAllow() {
    World w = world();
    String writer = w.usernames.get(Who.WRITE);

    // A read-only token of the write member: reads private learnwares, may not upload.
    String readOnly = createToken(Who.WRITE, Map.of("name", "ro", "scopes", List.of("read")));
    given().auth().oauth2(readOnly).get(LW, w.org, World.PRIVATE).then().statusCode(200);
    upload(readOnly, w.org, World.PUBLIC)
        .then()
        .statusCode(403)
        .body("type", equalTo("urn:learnware:problem:missing-scope"))
        .body("detail", containsString("'write'"));
    given()
        .auth()
        .oauth2(readOnly)
        .contentType("application/json")
        .body(Map.of("version", 1))
        .put(LW + "/aliases/{alias}", w.org, World.PRIVATE, World.ALIAS)
        .then()
        .statusCode(403)
        .body("type", equalTo("urn:learnware:problem:missing-scope"))
        .body("detail", containsString("'write'"));
    given()
        .auth()
        .oauth2(readOnly)
        .contentType("application/json")
        .body(Map.of("type", "robustness", "source", w.org + "/" + World.PUBLIC + "@1"))
        .post(API + "/jobs")
        .then()
        .statusCode(403)
        .body("type", equalTo("urn:learnware:problem:missing-scope"))
        .body("detail", containsString("'jobs'"));
    // Managing tokens needs 'admin'.
    given()
        .auth()
        .oauth2(readOnly)
        .contentType("application/json")
        .body(Map.of("name", "more"))
        .post(API + "/tokens")
        .then()
        .statusCode(403)
        .body("type", equalTo("urn:learnware:problem:missing-scope"))
        .body("detail", containsString("'admin'"));

    // A token without 'read' of a member: the private learnware needs the scope (403 naming it,
    // the user would be allowed), and listings leave it out like an outsider's.
    String jobsOnly = createToken(Who.READ, Map.of("name", "jobs", "scopes", List.of("jobs")));
    given()
        .auth()
        .oauth2(jobsOnly)
        .get(LW, w.org, World.PRIVATE)
        .then()
        .statusCode(403)
        .body("type", equalTo("urn:learnware:problem:missing-scope"))
        .body("detail", containsString("'read'"));
    given().auth().oauth2(jobsOnly).get(LW, w.org, World.PUBLIC).then().statusCode(200);
    given()
        .auth()
        .oauth2(jobsOnly)
        .queryParam("owner", w.org)
        .get(API + "/learnwares")
        .then()
        .statusCode(200)
        .body("total", equalTo(1))
        .body("items.name", equalTo(List.of(World.PUBLIC)));
    given()
        .auth()
        .oauth2(jobsOnly)
        .get(API + "/namespaces/{name}", w.org)
        .then()
        .statusCode(200)
        .body("members", nullValue());

    // A token limited to the write member's own namespace: the organisation's private learnware
    // and data set are invisible to it, exactly as to an outsider; writes there are refused
    // naming the namespaces; public learnwares stay readable.
    String ownOnly = createToken(Who.WRITE, Map.of("name", "own", "namespaces", List.of(writer)));
    given()
        .auth()
        .oauth2(ownOnly)
        .get(API + "/me")
        .then()
        .statusCode(200)
        .body("tokenNamespaces", equalTo(List.of(writer)))
        .body("scopes", equalTo(List.of("read", "write", "jobs", "admin")));
    Response hidden = given().auth().oauth2(ownOnly).get(LW, w.org, World.PRIVATE);
    Response absent = given().auth().oauth2(ownOnly).get(LW, w.org, World.GHOST);
    assertThat(hidden.statusCode()).isEqualTo(404);
    assertThat(problemOf(hidden, World.PRIVATE)).isEqualTo(problemOf(absent, World.GHOST));
    assertThat(hidden.<String>path("detail"))
        .isEqualTo("No learnware " + w.org + "/" + World.PRIVATE + ".");
    given().auth().oauth2(ownOnly).get(LW, w.org, World.PUBLIC).then().statusCode(200);
    given()
        .auth()
        .oauth2(ownOnly)
        .get(DATASET, w.org, World.DATA_SET)
        .then()
        .statusCode(404)
        .body("detail", equalTo("No data set " + w.org + "/" + World.DATA_SET + "."));
    for (String name : List.of(World.PUBLIC, World.PRIVATE, World.GHOST)) {
      upload(ownOnly, w.org, name)
          .then()
          .statusCode(403)
          .body("type", equalTo("urn:learnware:problem:missing-scope"))
          .body("detail", containsString("limited to the namespaces [" + writer + "]"));
    }
    given()
        .auth()
        .oauth2(ownOnly)
        .contentType("application/json")
        .body(Map.of("type", "robustness", "source", w.org + "/" + World.PRIVATE + "@1"))
        .post(API + "/jobs")
        .then()
        .statusCode(404);
    given()
        .auth()
        .oauth2(ownOnly)
        .queryParam("owner", w.org)
        .get(API + "/learnwares")
        .then()
        .body("total", equalTo(1));
    // It works in its own namespace.
    upload(ownOnly, writer, "own").then().statusCode(201);

    // Creation rules: never more than the creating token, only namespaces one belongs to, an
    // expiry in the future.
    String readAdmin =
        createToken(Who.WRITE, Map.of("name", "ra", "scopes", List.of("read", "admin")));
    tokenRequest(readAdmin, Map.of("name", "x", "scopes", List.of("write")))
        .then()
        .statusCode(403)
        .body("type", equalTo("urn:learnware:problem:missing-scope"))
        .body("detail", containsString("'write'"));
    tokenRequest(ownOnly, Map.of("name", "x", "namespaces", List.of(w.org)))
        .then()
        .statusCode(403)
        .body("type", equalTo("urn:learnware:problem:missing-scope"))
        .body("detail", containsString("'" + w.org + "'"));
    tokenRequest(w.tokens.get(Who.OUTSIDER), Map.of("name", "x", "namespaces", List.of(w.org)))
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/namespaces"));
    tokenRequest(
            w.tokens.get(Who.WRITE),
            Map.of("name", "x", "expiresAt", Instant.now().minusSeconds(1).toString()))
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/expiresAt"));
    // The default is the creating token's own narrowing, not everything the user has.
    given()
        .auth()
        .oauth2(createTokenWith(readAdmin, Map.of("name", "inherits")))
        .get(API + "/me")
        .then()
        .body("scopes", equalTo(List.of("read", "admin")));

    // An expired token is refused like a revoked one.
    String brief =
        createToken(
            Who.WRITE,
            Map.of("name", "brief", "expiresAt", Instant.now().plusSeconds(2).toString()));
    given().auth().oauth2(brief).get(API + "/me").then().statusCode(200);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    int status;
    do {
      pause(250);
      status = given().auth().oauth2(brief).get(API + "/me").statusCode();
    } while (status == 200 && Instant.now().isBefore(deadline));
    assertThat(status).isEqualTo(401);
  }

  // ---------------------------------------------------------------------------------------------
  // Checks of bodies.
  // ---------------------------------------------------------------------------------------------

  /** Browse lists the column's learnware to those who may see it, and counts it for no one else. */
  private static String listedIfVisible(Cell c, Response r) {
    List<String> names = r.path("items.name");
    int total = r.path("total");
    boolean visible = c.vis == Vis.PUBLIC || c.who.reads();
    if (names.contains(c.lw()) != visible) {
      return "items " + names + (visible ? " lack " : " include ") + c.lw();
    }
    int expectedTotal = c.who.reads() ? 2 : 1;
    return total == expectedTotal && names.size() == total
        ? null
        : "total " + total + " with items " + names + ", expected " + expectedTotal;
  }

  private static String foundIfVisible(Cell c, Response r) {
    List<String> names = r.path("single.name");
    boolean visible = c.vis == Vis.PUBLIC || c.who.reads();
    return names.contains(c.lw()) == visible
        ? null
        : "results " + names + (visible ? " lack " : " include ") + c.lw();
  }

  /**
   * A hidden thing answers as if it did not exist: the same request for an absent name gets the
   * same status and problem, names aside.
   */
  private static String sameAsAbsent(
      Row row, Cell cell, Map<String, Object> params, Response response) {
    Cell ghost = new Cell(cell.who, cell.vis, true);
    Response absent = row.send(ghost, row.params.apply(ghost));
    String real = (String) params.getOrDefault("name", cell.lw());
    Map<String, Object> seen = problemOf(response, real);
    Map<String, Object> expected = problemOf(absent, World.GHOST);
    return absent.statusCode() == response.statusCode() && seen.equals(expected)
        ? null
        : "differs from an absent one: "
            + response.statusCode()
            + " "
            + seen
            + " vs "
            + absent.statusCode()
            + " "
            + expected;
  }

  /** The problem's fields, with {@code name} written as {@code <name>}. */
  private static Map<String, Object> problemOf(Response response, String name) {
    Map<String, Object> fields = new LinkedHashMap<>();
    String type = response.contentType();
    fields.put("contentType", type);
    if (type != null && type.contains("json")) {
      JsonPath json = response.jsonPath();
      for (String field : List.of("type", "title", "status", "detail", "violations")) {
        Object value = json.get(field);
        fields.put(field, value == null ? null : value.toString().replace(name, "<name>"));
      }
    }
    return fields;
  }

  private static String body(Response response) {
    String text = response.asString();
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  // ---------------------------------------------------------------------------------------------
  // The world: an organisation with its members, learnwares, data set and jobs.
  // ---------------------------------------------------------------------------------------------

  private static synchronized World world() {
    if (world == null) {
      world = new World();
    }
    return world;
  }

  /** What the table's requests are about; one per test run, under unique names. */
  static final class World {
    static final String PUBLIC = "open";
    static final String PRIVATE = "closed";
    static final String GHOST = "never-uploaded";
    static final String ALIAS = "stable";
    static final String DATA_SET = "scans";

    final String org = unique("pm-org");
    final Map<Who, String> tokens = new EnumMap<>(Who.class);
    final Map<Who, String> usernames = new EnumMap<>(Who.class);
    final String joiner;
    final String leaver;

    /** A second token of the organisation's admin for fixtures, so as to spare the cells' rate. */
    final String fixtures;

    final Map<Vis, String> finishedJobs = new EnumMap<>(Vis.class);
    final Fresh doomedVersions;
    final Fresh doomedLearnwares;

    World() {
      for (Who who : List.of(Who.OUTSIDER, Who.READ, Who.WRITE, Who.ADMIN)) {
        String token = MARKET.newUser("pm-" + who.name().toLowerCase().replace('_', '-'));
        tokens.put(who, token);
        usernames.put(who, MARKET.usernameOf(token));
      }
      tokens.put(Who.SITE_ADMIN, EmbeddedPostgresResource.ADMIN_TOKEN);
      usernames.put(Who.SITE_ADMIN, "admin");
      joiner = MARKET.usernameOf(MARKET.newUser("pm-joiner"));
      leaver = MARKET.usernameOf(MARKET.newUser("pm-leaver"));
      given()
          .auth()
          .oauth2(tokens.get(Who.ADMIN))
          .contentType("application/json")
          .body(Map.of("name", org))
          .post(API + "/organisations")
          .then()
          .statusCode(201);
      fixtures = createTokenWith(tokens.get(Who.ADMIN), Map.of("name", "fixtures"));
      putMember(usernames.get(Who.READ), "read");
      putMember(usernames.get(Who.WRITE), "write");

      upload(fixtures, org, PUBLIC).then().statusCode(201);
      upload(fixtures, org, PRIVATE, "private").then().statusCode(201);
      MARKET.validateAll();
      for (String name : List.of(PUBLIC, PRIVATE)) {
        given()
            .auth()
            .oauth2(fixtures)
            .get(VERSION, org, name, 1)
            .then()
            .statusCode(200)
            .body("state", equalTo("USABLE"))
            .body("visibility", equalTo(name.equals(PUBLIC) ? "public" : "private"));
        given()
            .auth()
            .oauth2(fixtures)
            .contentType("application/json")
            .body(Map.of("version", 1))
            .put(LW + "/aliases/{alias}", org, name, ALIAS)
            .then()
            .statusCode(200);
      }
      given()
          .auth()
          .oauth2(fixtures)
          .multiPart("data", "images.gz", Fixtures.bytes(IDX_IMAGES), "application/gzip")
          .multiPart("labels", "labels.gz", Fixtures.bytes(IDX_LABELS), "application/gzip")
          .post(PermissionMatrixTest.DATASET, org, DATA_SET)
          .then()
          .statusCode(201);
      for (Vis vis : Vis.values()) {
        String job = queueJob(vis);
        cancel(job);
        finishedJobs.put(vis, job);
      }
      doomedVersions =
          new Fresh(
              vis ->
                  String.valueOf(
                      upload(fixtures, org, vis == Vis.PUBLIC ? PUBLIC : PRIVATE)
                          .then()
                          .statusCode(201)
                          .extract()
                          .<Integer>path("version")));
      doomedLearnwares =
          new Fresh(
              vis -> {
                String name = unique(vis == Vis.PUBLIC ? "gone-pub" : "gone-priv");
                upload(fixtures, org, name, vis == Vis.PUBLIC ? "public" : "private")
                    .then()
                    .statusCode(201);
                return name;
              });
    }

    void putMember(String username, String role) {
      given()
          .auth()
          .oauth2(fixtures)
          .contentType("application/json")
          .body(Map.of("role", role))
          .put(API + "/namespaces/{name}/members/{username}", org, username)
          .then()
          .statusCode(200);
    }

    /** A queued robustness job of the write member on the column's learnware. */
    String queueJob(Vis vis) {
      return MARKET.requestJob(
          tokens.get(Who.WRITE),
          Map.of(
              "type",
              "robustness",
              "source",
              org + "/" + (vis == Vis.PUBLIC ? PUBLIC : PRIVATE) + "@1"));
    }
  }

  /**
   * An object a destructive row consumes, one per column: made when first needed and again after a
   * cell used it up, so that every cell finds one.
   */
  static final class Fresh {
    private final Function<Vis, String> make;
    private final Map<Vis, String> current = new EnumMap<>(Vis.class);

    Fresh(Function<Vis, String> make) {
      this.make = make;
    }

    String get(Vis vis) {
      return current.computeIfAbsent(vis, make);
    }

    void usedIf(Cell cell, Response response) {
      if (!cell.ghost && response.statusCode() / 100 == 2) {
        current.remove(cell.vis);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rows and cells.
  // ---------------------------------------------------------------------------------------------

  /** One request of one caller about the public or the private learnware (or an absent one). */
  record Cell(Who who, Vis vis, boolean ghost) {
    String lw() {
      return ghost ? World.GHOST : vis == Vis.PUBLIC ? World.PUBLIC : World.PRIVATE;
    }

    RequestSpecification spec() {
      RequestSpecification spec = given();
      String token = world.tokens.get(who);
      return token == null ? spec : spec.auth().oauth2(token);
    }
  }

  @FunctionalInterface
  interface After {
    void run(Cell cell, Map<String, Object> params, Response response);
  }

  static final class Row {
    final String method;
    final String template;
    Function<Cell, Map<String, Object>> params = c -> Map.of();
    BiFunction<Cell, RequestSpecification, RequestSpecification> with = (c, s) -> s;
    final Map<Vis, int[]> expected = new EnumMap<>(Vis.class);
    BiFunction<Cell, Response, String> check;
    Set<Vis> hidden = Set.of();
    After after = (c, p, r) -> {};
    String label = "";

    Row(String method, String template) {
      this.method = method;
      this.template = template;
    }

    /** Tells rows of one endpoint apart in the printed matrix. */
    Row as(String label) {
      this.label = label;
      return this;
    }

    Row params(Function<Cell, Map<String, Object>> params) {
      this.params = params;
      return this;
    }

    Row with(BiFunction<Cell, RequestSpecification, RequestSpecification> with) {
      this.with = with;
      return this;
    }

    Row expect(String both) {
      return expect(both, both);
    }

    Row expect(String forPublic, String forPrivate) {
      expected.put(Vis.PUBLIC, statuses(forPublic));
      expected.put(Vis.PRIVATE, statuses(forPrivate));
      return this;
    }

    Row check(BiFunction<Cell, Response, String> check) {
      this.check = check;
      return this;
    }

    /**
     * In these columns the thing is hidden from anonymous callers and outsiders: their answers must
     * equal those about a name that does not exist.
     */
    Row hidden(Vis... columns) {
      this.hidden = Set.of(columns);
      return this;
    }

    Row after(After after) {
      this.after = after;
      return this;
    }

    Response send(Cell cell, Map<String, Object> pathParams) {
      return with.apply(cell, cell.spec())
          .pathParams(pathParams)
          .request(Method.valueOf(method), template);
    }

    private static int[] statuses(String text) {
      int[] statuses =
          Arrays.stream(text.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
      if (statuses.length != Who.values().length) {
        throw new IllegalArgumentException("one status per caller: " + text);
      }
      return statuses;
    }
  }

  private static Row row(String method, String template) {
    return new Row(method, template);
  }

  // ---------------------------------------------------------------------------------------------
  // Requests.
  // ---------------------------------------------------------------------------------------------

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Response upload(String token, String owner, String name) {
    return upload(token, owner, name, null);
  }

  /** The digits fixture, with an RKME (Beimingwu's sample) so that every read route answers. */
  private static Response upload(String token, String owner, String name, String visibility) {
    String spec = Fixtures.text(Fixtures.DIGITS_SPEC).strip();
    spec =
        spec.substring(0, spec.length() - 1)
            + ", \"statistical\": "
            + Fixtures.text("beimingwu/digits-rkme.json")
            + "}";
    return MARKET.upload(token, owner, name, spec, Fixtures.DIGITS_MODEL, visibility);
  }

  private static Response tokenRequest(String token, Map<String, ?> body) {
    return given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(body)
        .post(API + "/tokens");
  }

  private static String createTokenWith(String token, Map<String, ?> body) {
    return tokenRequest(token, body).then().statusCode(201).extract().path("token");
  }

  private static String createToken(Who who, Map<String, ?> body) {
    return createTokenWith(world.tokens.get(who), body);
  }

  /** A new token of {@code who}, made with its own token; its id. */
  private static String newToken(Who who) {
    return tokenRequest(world.tokens.get(who), Map.of("name", "doomed"))
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  private static String newWorkerToken() {
    return given()
        .auth()
        .oauth2(EmbeddedPostgresResource.ADMIN_TOKEN)
        .contentType("application/json")
        .body(Map.of("name", unique("pm-doomed")))
        .post(API + "/worker-tokens")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  /** Cancels a job as the site admin (a no-op 409 if it has finished). */
  private static void cancel(String job) {
    given()
        .auth()
        .oauth2(EmbeddedPostgresResource.ADMIN_TOKEN)
        .post(API + "/jobs/{id}/cancel", job)
        .then()
        .statusCode(not(equalTo(404)));
  }

  /** Cancels the job a 202 answer queued, so that the requesters' queue quotas stay free. */
  private static void cancelQueued(Response response) {
    if (response.statusCode() == 202) {
      cancel(response.path("id"));
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
