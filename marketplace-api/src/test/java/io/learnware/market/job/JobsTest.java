package io.learnware.market.job;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The job queue over real HTTP: leases, expiry, exactly-once results, cancel, events, races. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class JobsTest {

  private static final String WORKER = EmbeddedPostgresResource.WORKER_TOKEN;

  @Test
  void everyUploadIsValidatedAndTheVerdictDecidesTheState() {
    String token = MARKET.newUser("valid");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "good").then().statusCode(201);
    MARKET.uploadDigits(token, owner, "bad").then().statusCode(201);

    Map<String, Response> claimed = claimAll("validate");
    Response good = claimed.get(owner + "/good@1");
    Response bad = claimed.get(owner + "/bad@1");
    String modelSha = io.learnware.market.storage.Sha256.of(Fixtures.bytes(Fixtures.DIGITS_MODEL));
    // Inputs are downloaded under the job's lease, public learnwares' too.
    assertThat(good.<String>path("source.model.url"))
        .isEqualTo("/api/v1/worker/jobs/" + good.path("id") + "/inputs/" + modelSha);
    assertThat(good.<String>path("source.model.sha256")).isEqualTo(modelSha);
    assertThat(good.<String>path("source.files[0].filename")).isEqualTo("features.pt");
    assertThat(good.<Integer>path("source.spec.input.dimension")).isEqualTo(64);
    assertThat(good.<Integer>path("attempt")).isEqualTo(1);
    complete(good, "{\"usable\": true, \"log\": [\"loads\", \"10 outputs\"]}").statusCode(200);
    complete(bad, "{\"usable\": false, \"log\": [\"outputs are NaN\"]}").statusCode(200);
    claimed.values().stream()
        .filter(c -> c != good && c != bad)
        .forEach(c -> complete(c, "{\"usable\": true}"));

    given()
        .get("/api/v1/learnwares/{owner}/good/versions/1", owner)
        .then()
        .body("state", equalTo("USABLE"))
        .body("validationLog", equalTo("loads\n10 outputs\n"));
    given()
        .get("/api/v1/learnwares/{owner}/bad/versions/1", owner)
        .then()
        .body("state", equalTo("INVALID"))
        .body("validationLog", equalTo("outputs are NaN\n"));
    // INVALID versions are not listed, not even as latest.
    given()
        .queryParam("owner", owner)
        .get("/api/v1/learnwares")
        .then()
        .body("items.name", equalTo(List.of("good")));
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/jobs")
        .then()
        .statusCode(200)
        .body("findAll { it.source == '" + owner + "/good@1' }.state", hasItem("SUCCEEDED"))
        .body("findAll { it.source == '" + owner + "/good@1' }.type", hasItem("validate"));
  }

  @Test
  void aLostLeaseIsRefusedAndChangesNothing() {
    String token = MARKET.newUser("lease");
    String owner = MARKET.usernameOf(token);
    String job = requestValidation(token, owner);
    Response claim = claimJob(job);
    String lease = claim.path("leaseId");

    heartbeat(job, lease, 0.5, "half way").statusCode(200).body("leaseExpiresAt", notNullValue());
    heartbeat(job, java.util.UUID.randomUUID().toString(), 0.9, "impostor")
        .statusCode(409)
        .contentType("application/problem+json")
        .body("detail", containsString("not held"));
    view(token, job).body("progress", equalTo(0.5f)).body("message", equalTo("half way"));

    // The lease expires without heartbeats: the job returns to the queue, attempt 2.
    sleep(EmbeddedPostgresResource.LEASE.toMillis() + 500);
    Response again = claimJob(job);
    assertThat(again.<Integer>path("attempt")).isEqualTo(2);
    assertThat(again.<String>path("leaseId")).isNotEqualTo(lease);
    complete(claim, "{\"usable\": true}").statusCode(409);
    heartbeat(job, lease, 1.0, "late").statusCode(409);

    complete(again, "{\"usable\": true}").statusCode(200);
    // Exactly once: the same lease cannot report twice.
    complete(again, "{\"usable\": false}").statusCode(409);
    view(token, job).body("state", equalTo("SUCCEEDED")).body("attempts", equalTo(2));
    given()
        .get("/api/v1/learnwares/{owner}/digits/versions/1", owner)
        .then()
        .body("state", equalTo("USABLE"))
        // The upload's own validation, then the one this test drove.
        .body("reports.size()", equalTo(2));
  }

  @Test
  void leasesThatKeepExpiringFailTheJobAndTheVersion() {
    String token = MARKET.newUser("expire");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "crashes").then().statusCode(201);
    String job =
        given()
            .auth()
            .oauth2(token)
            .get("/api/v1/jobs")
            .then()
            .extract()
            .path("find { it.source == '" + owner + "/crashes@1' }.id");

    for (int attempt = 1; attempt <= 2; attempt++) {
      assertThat(claimJob(job).<Integer>path("attempt")).isEqualTo(attempt);
      sleep(EmbeddedPostgresResource.LEASE.toMillis() + 500);
    }
    MARKET.claim("validate"); // any claim sweeps expired leases

    view(token, job)
        .body("state", equalTo("FAILED"))
        .body("attempts", equalTo(2))
        .body("error", containsString("expired (attempt 2); no attempts left"));
    given()
        .get("/api/v1/learnwares/{owner}/crashes/versions/1", owner)
        .then()
        .body("state", equalTo("INVALID"))
        .body("validationLog", containsString("validation failed"));
  }

  @Test
  void failuresAreRetriedOnlyWhenRetryable() {
    String token = MARKET.newUser("fails");
    String owner = MARKET.usernameOf(token);
    String job = requestValidation(token, owner);

    fail(claimJob(job), "worker ran out of memory", true)
        .statusCode(200)
        .body("state", equalTo("QUEUED"));
    fail(claimJob(job), "the model does not load: not a TorchScript archive \u0000\u001f!", false)
        .statusCode(200)
        .body("state", equalTo("FAILED"))
        // A reason quoting binary input is stored readable: PostgreSQL refuses NUL in text.
        .body("error", equalTo("the model does not load: not a TorchScript archive \uFFFD\uFFFD!"));
  }

  @Test
  void cancelStopsQueuedAndRunningJobs() {
    String token = MARKET.newUser("cancel");
    String owner = MARKET.usernameOf(token);
    String queued = requestValidation(token, owner);
    given()
        .auth()
        .oauth2(token)
        .post("/api/v1/jobs/{id}/cancel", queued)
        .then()
        .statusCode(200)
        .body("state", equalTo("CANCELLED"));
    given().auth().oauth2(token).post("/api/v1/jobs/{id}/cancel", queued).then().statusCode(409);

    String running = requestValidation(token, owner);
    Response claim = claimJob(running);
    given().auth().oauth2(token).post("/api/v1/jobs/{id}/cancel", running).then().statusCode(200);
    // The worker learns at its next heartbeat, and its result is refused.
    heartbeat(running, claim.path("leaseId"), 0.3, "still going").statusCode(409);
    complete(claim, "{\"usable\": true}").statusCode(409);
    view(token, running).body("state", equalTo("CANCELLED"));

    String other = MARKET.newUser("stranger");
    given().auth().oauth2(other).post("/api/v1/jobs/{id}/cancel", queued).then().statusCode(404);
  }

  @Test
  void distillationResultsBecomeVersionsWithLineage() {
    String token = MARKET.newUser("teacher");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "digits").then().statusCode(201);
    MARKET.validateAll();
    String student = MARKET.newUser("student");
    String studentOwner = MARKET.usernameOf(student);

    Response requested =
        given()
            .auth()
            .oauth2(student)
            .contentType("application/json")
            .body(Map.of("student", Map.of("type", "mlp", "hidden", List.of(32)), "temperature", 4))
            .post("/api/v1/learnwares/{owner}/digits/versions/latest/distillations", owner);
    requested
        .then()
        .statusCode(202)
        .body("state", equalTo("QUEUED"))
        .body("type", equalTo("distill"));
    String job = requested.path("id");
    assertThat(requested.<String>path("target")).isEqualTo(studentOwner + "/digits-distilled");
    assertThat(requested.<Integer>path("params.temperature")).isEqualTo(4);

    Response claim = MARKET.claim("distill");
    assertThat(claim.<String>path("id")).isEqualTo(job);
    assertThat(claim.<String>path("params.student.type")).isEqualTo("mlp");
    String spec =
        Fixtures.text(Fixtures.DIGITS_SPEC).replace("Handwritten digits MLP", "Distilled digits");
    given()
        .auth()
        .oauth2(WORKER)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart("report", "{\"fidelity\": 0.97, \"accuracy\": 0.95}")
        .multiPart("spec", spec)
        .multiPart(
            "model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL), "application/octet-stream")
        .multiPart(
            "file",
            "features.pt",
            Fixtures.bytes(Fixtures.DIGITS_FEATURES),
            "application/octet-stream")
        .post("/api/v1/worker/jobs/{id}/complete", job)
        .then()
        .statusCode(200)
        .body("state", equalTo("SUCCEEDED"))
        .body("result.learnware", equalTo(studentOwner + "/digits-distilled@1"))
        .body("result.report.fidelity", equalTo(0.97f));

    given()
        .get("/api/v1/learnwares/{owner}/digits-distilled/versions/1", studentOwner)
        .then()
        .statusCode(200)
        .body("state", equalTo("USABLE"))
        .body("createdBy", equalTo(studentOwner))
        .body("lineage.parents[0].learnware", equalTo(owner + "/digits@1"))
        .body("lineage.parents[0].relation", equalTo("distilled"))
        .body("lineage.parents[0].job", equalTo(job))
        .body("reports[0].type", equalTo("distill"))
        .body("reports[0].report.accuracy", equalTo(0.95f));
    given()
        .get("/api/v1/learnwares/{owner}/digits/versions/1", owner)
        .then()
        .body("lineage.children[0].learnware", equalTo(studentOwner + "/digits-distilled@1"));
  }

  @Test
  void transfersNeedADataSetAndASourceWithABackbone() {
    String token = MARKET.newUser("transfers");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "digits").then().statusCode(201);
    MARKET.uploadFixture(token, owner, "cnn", "digits-cnn");
    MARKET.uploadDataset(token, owner, "train", "data/digits-train.csv.gz");
    MARKET.validateAll();

    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(Map.of("type", "transfer", "source", owner + "/digits@1"))
        .post("/api/v1/jobs")
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/dataset"))
        .body("detail", containsString("labelled data set"));
    // The digits CNN declares no feature extractor and is no network the market built.
    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(Map.of("type", "transfer", "source", owner + "/cnn@1", "dataset", owner + "/train"))
        .post("/api/v1/jobs")
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/source"))
        .body("detail", containsString("no feature extractor"));
    String queued =
        given()
            .auth()
            .oauth2(token)
            .contentType("application/json")
            .body(
                Map.of(
                    "type", "transfer", "source", owner + "/digits@1", "dataset", owner + "/train"))
            .post("/api/v1/jobs")
            .then()
            .statusCode(202)
            .body("state", equalTo("QUEUED"))
            .extract()
            .path("id");
    // No worker runs it here: take it off the queue so that other tests' claims do not meet it.
    given()
        .auth()
        .oauth2(token)
        .post("/api/v1/jobs/{id}/cancel", queued)
        .then()
        .statusCode(200)
        .body("state", equalTo("CANCELLED"));
  }

  @Test
  void badRequestsAndWrongTokensAreRefused() {
    String token = MARKET.newUser("badjobs");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "digits").then().statusCode(201);

    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(Map.of("type", "teleport", "source", "not a ref", "params", List.of(1)))
        .post("/api/v1/jobs")
        .then()
        .statusCode(400)
        .body("violations.pointer", equalTo(List.of("/type", "/source", "/params")));
    // Only USABLE versions can be distilled.
    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(Map.of("type", "distill", "source", owner + "/digits@1"))
        .post("/api/v1/jobs")
        .then()
        .statusCode(409)
        .body("detail", containsString("PENDING"));
    // Workers are not users, users are not workers.
    given().auth().oauth2(WORKER).get("/api/v1/jobs").then().statusCode(403);
    given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(Map.of("workerId", "x", "types", List.of("validate")))
        .post("/api/v1/worker/claim")
        .then()
        .statusCode(403);
    given()
        .contentType("application/json")
        .body(Map.of("workerId", "x", "types", List.of("validate")))
        .post("/api/v1/worker/claim")
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2(WORKER)
        .contentType("application/json")
        .body(Map.of("workerId", "", "types", List.of("fly")))
        .post("/api/v1/worker/claim")
        .then()
        .statusCode(400)
        .body("violations.pointer", equalTo(List.of("/workerId", "/types")));
    MARKET.validateAll();
  }

  @Test
  void eventsStreamTheJobUntilItFinishes() throws Exception {
    String token = MARKET.newUser("events");
    String owner = MARKET.usernameOf(token);
    String job = requestValidation(token, owner);
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(MARKET.uri().resolve("/api/v1/jobs/" + job + "/events"))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "text/event-stream")
            .build();
    // The stream's first event (QUEUED) and the heartbeat's event are awaited, not slept for: under
    // load the stream may connect late.
    CountDownLatch connected = new CountDownLatch(1);
    CountDownLatch progressed = new CountDownLatch(1);
    ExecutorService reader = Executors.newSingleThreadExecutor();
    Future<List<String>> events =
        reader.submit(
            () -> {
              HttpResponse<java.io.InputStream> response =
                  client.send(request, HttpResponse.BodyHandlers.ofInputStream());
              List<String> data = new ArrayList<>();
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  if (line.startsWith("data:")) {
                    data.add(line.substring(5).trim());
                    connected.countDown();
                    if (line.contains("probing")) {
                      progressed.countDown();
                    }
                  }
                }
              }
              return data;
            });
    assertThat(connected.await(30, TimeUnit.SECONDS)).isTrue();
    Response claim = claimJob(job);
    heartbeat(job, claim.path("leaseId"), 0.25, "probing").statusCode(200);
    assertThat(progressed.await(30, TimeUnit.SECONDS)).isTrue();
    complete(claim, "{\"usable\": true}").statusCode(200);

    List<String> data = events.get(30, TimeUnit.SECONDS);
    reader.shutdown();
    assertThat(data.getFirst()).contains("\"state\":\"QUEUED\"");
    assertThat(data).anyMatch(e -> e.contains("\"progress\":0.25") && e.contains("probing"));
    assertThat(data.getLast()).contains("\"state\":\"SUCCEEDED\"");
  }

  @Test
  void eightWorkersRacingFor500JobsRunEachExactlyOnce() throws Exception {
    String token = MARKET.newUser("race");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "digits").then().statusCode(201);
    Set<String> ours = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 500; i++) {
      ours.add(requestValidation(token, owner, "digits"));
    }
    Map<String, Integer> completions = new ConcurrentHashMap<>();
    AtomicInteger conflicts = new AtomicInteger();
    ExecutorService workers = Executors.newFixedThreadPool(8);
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      String workerId = "racer-" + w;
      running.add(
          workers.submit(
              () -> {
                while (true) {
                  Response claim =
                      given()
                          .auth()
                          .oauth2(WORKER)
                          .contentType("application/json")
                          .body(Map.of("workerId", workerId, "types", List.of("validate")))
                          .post("/api/v1/worker/claim");
                  if (claim.statusCode() == 204) {
                    return null;
                  }
                  int status = complete(claim, "{\"usable\": true}").extract().statusCode();
                  if (status == 200) {
                    completions.merge(claim.<String>path("id"), 1, Integer::sum);
                  } else {
                    conflicts.incrementAndGet();
                  }
                }
              }));
    }
    for (Future<?> f : running) {
      f.get(5, java.util.concurrent.TimeUnit.MINUTES);
    }
    workers.shutdown();

    Map<String, Integer> ourCompletions = new HashMap<>(completions);
    ourCompletions.keySet().retainAll(ours);
    assertThat(ourCompletions).hasSize(500);
    assertThat(new HashSet<>(ourCompletions.values())).containsExactly(1);
    assertThat(conflicts).hasValue(0);
    List<String> states =
        given().auth().oauth2(token).get("/api/v1/jobs").then().extract().path("state");
    assertThat(Collections.frequency(states, "SUCCEEDED")).isEqualTo(states.size());
  }

  private static String requestValidation(String token, String owner) {
    MARKET.uploadDigits(token, owner, "digits").then().statusCode(201);
    // The upload queued one validation already; this test drives its own.
    MARKET.validateAll();
    return requestValidation(token, owner, "digits");
  }

  private static String requestValidation(String token, String owner, String name) {
    return given()
        .auth()
        .oauth2(token)
        .contentType("application/json")
        .body(Map.of("type", "validate", "source", owner + "/" + name + "@1"))
        .post("/api/v1/jobs")
        .then()
        .statusCode(202)
        .body("state", equalTo("QUEUED"))
        .extract()
        .path("id");
  }

  /** Claims until the given job comes up, completing any other queued validation first. */
  private static Response claimJob(String job) {
    for (int i = 0; i < 10_000; i++) {
      Response claim = MARKET.claim("validate");
      if (claim.statusCode() != 200) {
        throw new AssertionError("job " + job + " never came up");
      }
      if (job.equals(claim.path("id"))) {
        return claim;
      }
      complete(claim, "{\"usable\": true}");
    }
    throw new AssertionError("queue does not drain");
  }

  /** Claims every queued validation, by source. */
  @Test
  void jobsWhoseSourceWasDeletedFailOnTheWayAndTheClaimTakesTheNext() {
    String token = MARKET.newUser("deleted");
    String owner = MARKET.usernameOf(token);
    for (int v = 1; v <= 5; v++) {
      MARKET.uploadDigits(token, owner, "gone").then().statusCode(201);
    }
    MARKET.uploadDigits(token, owner, "kept").then().statusCode(201);
    for (int v = 1; v <= 5; v++) {
      given()
          .auth()
          .oauth2(token)
          .delete("/api/v1/learnwares/{owner}/gone/versions/{v}", owner, v)
          .then()
          .statusCode(204);
    }
    // Five queued validations of deleted versions lie ahead of kept's: one claim still gets it.
    Map<String, Response> claimed = claimAll("validate");
    assertThat(claimed).containsKey(owner + "/kept@1").doesNotContainKey(owner + "/gone@1");
    claimed.values().forEach(c -> complete(c, "{\"usable\": true}"));
  }

  @Test
  void aDistillationWhoseSourceIsDeletedWhileItRunsEndsWithItsReasonAndRecordsNothing() {
    String token = MARKET.newUser("vanished");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "teacher").then().statusCode(201);
    MARKET.validateAll();
    String job =
        MARKET.requestJob(token, Map.of("type", "distill", "source", owner + "/teacher@1"));
    Response claim = claimAll("distill").get(owner + "/teacher@1");
    assertThat(claim).isNotNull();
    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{owner}/teacher/versions/1", owner)
        .then()
        .statusCode(204);

    // Was a 500: the result's lineage named a version that no longer exists.
    given()
        .auth()
        .oauth2(WORKER)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart("report", "{\"fidelity\": 0.9}")
        .multiPart("spec", Fixtures.text(Fixtures.DIGITS_SPEC))
        .multiPart("model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL))
        .multiPart("file", "features.pt", Fixtures.bytes(Fixtures.DIGITS_FEATURES))
        .post("/api/v1/worker/jobs/{id}/complete", job)
        .then()
        .statusCode(200)
        .body("state", equalTo("FAILED"))
        .body(
            "error",
            equalTo(
                "the source version "
                    + owner
                    + "/teacher@1 was deleted while the job ran; its result is not recorded"));
    given().get("/api/v1/learnwares/{owner}/teacher-distilled", owner).then().statusCode(404);
  }

  private static Map<String, Response> claimAll(String type) {
    Map<String, Response> out = new HashMap<>();
    for (Response claim = MARKET.claim(type);
        claim.statusCode() == 200;
        claim = MARKET.claim(type)) {
      out.put(claim.path("source.learnware"), claim);
    }
    return out;
  }

  private static io.restassured.response.ValidatableResponse complete(
      Response claim, String report) {
    return given()
        .auth()
        .oauth2(WORKER)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart("report", report)
        .post("/api/v1/worker/jobs/{id}/complete", claim.<String>path("id"))
        .then();
  }

  private static io.restassured.response.ValidatableResponse heartbeat(
      String job, String lease, double progress, String message) {
    return given()
        .auth()
        .oauth2(WORKER)
        .header("Lease-Id", lease)
        .contentType("application/json")
        .body(Map.of("progress", progress, "message", message))
        .post("/api/v1/worker/jobs/{id}/heartbeat", job)
        .then();
  }

  private static io.restassured.response.ValidatableResponse fail(
      Response claim, String error, boolean retryable) {
    return given()
        .auth()
        .oauth2(WORKER)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .contentType("application/json")
        .body(Map.of("error", error, "retryable", retryable))
        .post("/api/v1/worker/jobs/{id}/fail", claim.<String>path("id"))
        .then();
  }

  private static io.restassured.response.ValidatableResponse view(String token, String job) {
    return given().auth().oauth2(token).get("/api/v1/jobs/{id}", job).then().statusCode(200);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
