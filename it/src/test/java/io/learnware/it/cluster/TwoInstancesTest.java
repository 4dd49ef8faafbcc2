package io.learnware.it.cluster;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.it.support.MarketCluster;
import io.learnware.it.support.MarketFixture;
import io.learnware.it.support.RealWorker;
import io.learnware.it.support.RealWorker.Running;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.rkme.RealData;
import io.learnware.spec.rkme.Rkme;
import io.learnware.testing.Fixtures;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two packaged API instances on one PostgreSQL and one blob store, each with a real worker: what is
 * written through one is seen through the other within a second (listing and statistical search), a
 * job claimed and run through B streams its events to a client of A, every job runs exactly once,
 * and a deletion through B is gone from A's next answers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesTest {

  // Leases longer than MarketFixture's 2 s: on a loaded machine a worker's first download can
  // outlast those, and a lost lease is retried (correctly, yet beside the point here).
  @RegisterExtension
  static final MarketCluster cluster = new MarketCluster(2, Map.of("LEARNWARE_JOBS_LEASE", "15S"));

  private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(1);
  private static final ObjectNode DIGITS_RKME =
      SpecDocuments.mapper()
          .valueToTree(Rkme.builder().setData(RealData.digits().x()).build().toSpec());
  private static final List<Running> workers = new ArrayList<>();

  @AfterAll
  static void stopWorkers() throws InterruptedException {
    for (Running worker : workers) {
      worker.close();
    }
  }

  @Test
  @Order(1)
  void anUploadThroughAIsSeenThroughBAndAJobClaimedThroughBStreamsToA() throws Exception {
    MarketFixture a = cluster.instance(0);
    MarketFixture b = cluster.instance(1);
    String token = a.newUser("cluster");
    String owner = a.usernameOf(token);
    upload(a, token, owner, "seen");

    assertWithin(
        VISIBLE_WITHIN,
        () ->
            listed(b, token, owner, "PENDING").contains("seen")
                && found(b, token, owner, "PENDING").contains(owner + "/seen@1"));

    String job = validationOf(a, token, owner + "/seen@1");
    ExecutorService reader = Executors.newSingleThreadExecutor();
    Map<String, CountDownLatch> seen =
        Map.of(
            "QUEUED", new CountDownLatch(1),
            "RUNNING", new CountDownLatch(1),
            "probing", new CountDownLatch(1));
    Future<List<String>> events = reader.submit(() -> events(a, token, job, seen));
    assertThat(seen.get("QUEUED").await(60, TimeUnit.SECONDS)).isTrue();
    // The worker protocol through B, step by step (no real worker runs yet, so B's claim gets the
    // job): each step must reach the stream of A before the next is taken.
    Response claim = claimThrough(b);
    assertThat(claim.<String>path("id")).isEqualTo(job);
    assertThat(seen.get("RUNNING").await(60, TimeUnit.SECONDS)).isTrue();
    given()
        .port(b.port())
        .auth()
        .oauth2(b.workerToken())
        .header("Lease-Id", claim.<String>path("leaseId"))
        .contentType("application/json")
        .body(Map.of("progress", 0.5, "message", "probing"))
        .post("/api/v1/worker/jobs/{id}/heartbeat", job)
        .then()
        .statusCode(200);
    assertThat(seen.get("probing").await(60, TimeUnit.SECONDS)).isTrue();
    given()
        .port(b.port())
        .auth()
        .oauth2(b.workerToken())
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart("report", "{\"usable\": true, \"loads\": true, \"log\": [\"through B\"]}")
        .post("/api/v1/worker/jobs/{id}/complete", job)
        .then()
        .statusCode(200);
    List<String> states = events.get(60, TimeUnit.SECONDS);
    reader.shutdown();
    assertThat(states.getFirst()).isEqualTo("QUEUED");
    assertThat(states).contains("RUNNING");
    assertThat(states.getLast()).isEqualTo("SUCCEEDED");

    assertWithin(
        VISIBLE_WITHIN,
        () ->
            listed(a, token, owner, null).contains("seen")
                && found(a, token, owner, null).contains(owner + "/seen@1")
                && listed(b, token, owner, null).contains("seen"));
  }

  @Test
  @Order(2)
  void everyJobRunsExactlyOnceWhateverInstanceItWasRequestedAndClaimedThrough() throws Exception {
    workers.add(worker(cluster.instance(0), "worker-a"));
    workers.add(worker(cluster.instance(1), "worker-b"));
    String token = cluster.instance(0).newUser("once");
    String owner = cluster.instance(0).usernameOf(token);
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      MarketFixture through = cluster.instance(i % 2);
      upload(through, token, owner, "once-" + i);
      jobs.add(validationOf(through, token, owner + "/once-" + i + "@1"));
    }
    for (String job : jobs) {
      JsonPath done = cluster.instance(1).awaitJob(token, job, Duration.ofMinutes(3));
      assertThat(done.getString("state")).as(done.prettify()).isEqualTo("SUCCEEDED");
    }
    try (Connection database = cluster.database();
        PreparedStatement reports =
            database.prepareStatement(
                "SELECT count(*), count(DISTINCT job_id) FROM version_report"
                    + " WHERE job_id = ANY(CAST(? AS uuid[]))")) {
      reports.setArray(1, database.createArrayOf("text", jobs.toArray()));
      try (ResultSet counted = reports.executeQuery()) {
        counted.next();
        assertThat(counted.getInt(1)).as("one result per job").isEqualTo(jobs.size());
        assertThat(counted.getInt(2)).isEqualTo(jobs.size());
      }
    }
  }

  @Test
  @Order(3)
  void aDeletionThroughBIsGoneFromAsNextAnswers() throws Exception {
    MarketFixture a = cluster.instance(0);
    MarketFixture b = cluster.instance(1);
    String token = a.newUser("deleted");
    String owner = a.usernameOf(token);
    upload(a, token, owner, "gone");
    a.awaitVersion(owner, "gone", 1, v -> "USABLE".equals(v.getString("state")));
    // A has the listing cached and the learnware in its index.
    assertThat(listed(a, token, owner, null)).containsExactly("gone");
    assertThat(found(a, token, owner, null)).contains(owner + "/gone@1");

    given()
        .port(b.port())
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{owner}/gone", owner)
        .then()
        .statusCode(204);

    assertThat(listed(a, token, owner, null)).isEmpty();
    assertThat(found(a, token, owner, null)).doesNotContain(owner + "/gone@1");
    given().port(a.port()).get("/api/v1/learnwares/{owner}/gone", owner).then().statusCode(404);
  }

  private static void upload(MarketFixture through, String token, String owner, String name) {
    ObjectNode spec = Fixtures.json(Fixtures.text(Fixtures.DIGITS_SPEC));
    spec.set("statistical", DIGITS_RKME);
    given()
        .port(through.port())
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", spec.toString().getBytes(), "application/json")
        .multiPart("model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL))
        .multiPart("file", "features.pt", Fixtures.bytes(Fixtures.DIGITS_FEATURES))
        .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name)
        .then()
        .statusCode(201);
  }

  private static Running worker(MarketFixture market, String id) throws Exception {
    // The cluster is under test, not the sandbox (RealWorkersTest and the sandbox tests cover it).
    return RealWorker.start(
        id,
        RealWorker.builder(market, id, List.of("validate"))
            .optInsecureNoSandbox(true)
            .optShutdownGrace(Duration.ofSeconds(5))
            .build());
  }

  /** The id of the validation job the upload of {@code ref} queued. */
  private static String validationOf(MarketFixture through, String token, String ref) {
    List<Map<String, Object>> jobs =
        given()
            .port(through.port())
            .auth()
            .oauth2(token)
            .get("/api/v1/jobs")
            .then()
            .statusCode(200)
            .extract()
            .path("findAll { it.type == 'validate' && it.source == '" + ref + "' }");
    assertThat(jobs).hasSize(1);
    return (String) jobs.getFirst().get("id");
  }

  /**
   * Names of {@code owner}'s learnwares that {@code market} lists to {@code token}'s user (by
   * default the USABLE ones).
   */
  private static List<String> listed(
      MarketFixture market, String token, String owner, String state) {
    var request = given().port(market.port()).auth().oauth2(token).queryParam("owner", owner);
    if (state != null) {
      request = request.queryParam("state", state);
    }
    return request.get("/api/v1/learnwares").then().statusCode(200).extract().path("items.name");
  }

  /** What a statistical search with the digits' RKME finds through {@code market}. */
  private static List<String> found(
      MarketFixture market, String token, String owner, String state) {
    Map<String, Object> query =
        state == null
            ? Map.of("statistical", DIGITS_RKME, "limit", 100)
            : Map.of(
                "statistical",
                DIGITS_RKME,
                "limit",
                100,
                "filters",
                Map.of("state", state, "owner", owner));
    return given()
        .port(market.port())
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(query)
        .post("/api/v1/search")
        .then()
        .statusCode(200)
        .extract()
        .path("single.learnware");
  }

  /**
   * The states of the job's event stream through {@code market}, until it ends; counts down the
   * latch of each state, and of each progress message, as it arrives.
   */
  private static List<String> events(
      MarketFixture market, String token, String job, Map<String, CountDownLatch> seen)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(market.uri().resolve("/api/v1/jobs/" + job + "/events"))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "text/event-stream")
            .build();
    HttpResponse<InputStream> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    List<String> states = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("data:")) {
          JsonPath view = JsonPath.from(line.substring(5));
          String state = view.getString("state");
          states.add(state);
          for (String key : new String[] {state, view.getString("message")}) {
            if (key != null && seen.containsKey(key)) {
              seen.get(key).countDown();
            }
          }
        }
      }
    }
    return states;
  }

  /** A claim of a validation through {@code market}, as a worker that runs no model. */
  private static Response claimThrough(MarketFixture market) {
    Response claim =
        given()
            .port(market.port())
            .auth()
            .oauth2(market.workerToken())
            .contentType("application/json")
            .body(Map.of("workerId", "stand-in", "types", List.of("validate"), "device", "cpu"))
            .post("/api/v1/worker/claim");
    claim.then().statusCode(200);
    return claim;
  }

  /** Asks until {@code seen} holds, for at most {@code limit}; fails if it never did. */
  private static void assertWithin(Duration limit, BooleanSupplier seen)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    boolean held = seen.getAsBoolean();
    while (!held && System.nanoTime() < deadline) {
      Thread.sleep(20);
      held = seen.getAsBoolean();
    }
    assertThat(held).as("seen through the other instance within " + limit).isTrue();
  }
}
