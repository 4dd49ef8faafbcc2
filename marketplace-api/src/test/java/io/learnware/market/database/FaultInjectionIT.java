package io.learnware.market.database;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.learnware.market.storage.Sha256;
import io.learnware.market.support.MarketProcess;
import io.learnware.market.support.StoreInvariants;
import io.learnware.testing.Fixtures;
import io.learnware.testing.Market;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kills things with SIGKILL in the middle of writes, as a power cut or the OOM killer would: the
 * market's process during uploads and their commits, its embedded PostgreSQL during writes, and a
 * worker while it uploads a result. After each, the first restart succeeds and the store's
 * invariants hold: every acknowledged upload is there with its bytes, blob rows and files match one
 * to one by SHA-256, reference counts are right, no temporary file is left, and every learnware
 * takes its next version.
 */
class FaultInjectionIT {

  private static final long SEED = 13;
  private static final int UPLOADERS = 4;

  private MarketProcess market;
  private String workerToken;

  @AfterEach
  void stop() throws Exception {
    if (market != null) {
      market.close();
    }
  }

  @Test
  void theMarketKilledDuringUploadsAndCommitsKeepsExactlyWhatItAcknowledged() throws Exception {
    market = MarketProcess.start("kill-api");
    RestAssured.port = market.port();
    String token = market.newUser("killed");
    String owner = market.usernameOf(token);
    Random random = new Random(SEED);

    // One upload is mid-body when the market dies: its staged part is on disk.
    try (Socket slow = startSlowUpload(token, owner)) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !StoreInvariants.noTemporaryFiles(market.dataDir()).isEmpty());
      Traffic traffic = Traffic.start(market, token, owner, SEED);
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> traffic.acknowledged() >= 8);
      Thread.sleep(random.nextInt(1500)); // somewhere among uploads, commits and blob writes
      market.kill();
      traffic.stop();
      assertThat(traffic.unexpected).as("answers before the kill").isEmpty();

      market.start(); // the first restart after the crash succeeds
      traffic.assertAcknowledgedArePresent();
      assertInvariantsAfterTheStartupSweep();
      traffic.assertEveryLearnwareTakesItsNextVersion();
    }
  }

  @Test
  void theDatabaseKilledDuringWritesLosesNothingAcknowledged() throws Exception {
    market = MarketProcess.start("kill-db");
    RestAssured.port = market.port();
    String token = market.newUser("dbkilled");
    String owner = market.usernameOf(token);

    Traffic traffic = Traffic.start(market, token, owner, SEED + 1);
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> traffic.acknowledged() >= 8);
    long postmaster = market.killDatabase();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ProcessHandle.of(postmaster).isEmpty());
    // While the database is gone, writes fail; what they answer is checked below.
    Thread.sleep(1000);
    traffic.stop();
    assertThat(traffic.unexpected)
        .as("while the database was down, uploads were refused with 503, never another 5xx")
        .isNotEmpty()
        .allMatch(answer -> answer.startsWith("503"));
    market.kill();

    market.start();
    traffic.assertAcknowledgedArePresent();
    assertInvariantsAfterTheStartupSweep();
    traffic.assertEveryLearnwareTakesItsNextVersion();
  }

  @Test
  void aWorkerKilledWhileItUploadsAResultLeavesNothingAndTheJobRunsOnce() throws Exception {
    market =
        MarketProcess.start(
            "kill-worker", Map.of("LEARNWARE_JOBS_LEASE", "3S", "LEARNWARE_JOBS_CLAIM_WAIT", "1S"));
    RestAssured.port = market.port();
    workerToken = market.workerToken();
    String token = market.newUser("teacher");
    String owner = market.usernameOf(token);
    market.uploadDigits(token, owner, "teacher").then().statusCode(201);
    Response validation = claim("validate");
    complete(validation, "{\"usable\": true, \"loads\": true, \"log\": []}", false)
        .then()
        .statusCode(200);
    String job =
        market.requestJob(token, Map.of("type", "distill", "source", owner + "/teacher@1"));
    Response first = claim("distill");
    assertThat(first.<String>path("id")).isEqualTo(job);

    // The worker's upload of its result, a real process, dies mid-body.
    Path big = Files.createTempFile(market.dataDir(), "result-", ".bin");
    Files.write(big, new byte[48 << 20]);
    Process upload = curlComplete(first, big);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !StoreInvariants.noTemporaryFiles(market.dataDir()).isEmpty());
    upload.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    Files.delete(big);
    // The market forgets the request's parts at once, without a restart.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(StoreInvariants.noTemporaryFiles(market.dataDir())).isEmpty());
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/jobs/{id}", job)
        .then()
        .body("state", equalTo("RUNNING"));

    // The worker is gone, its lease runs out, and the job's second attempt completes it, once.
    Response second = claim("distill");
    assertThat(second.<String>path("id")).isEqualTo(job);
    assertThat(second.<Integer>path("attempt")).isEqualTo(2);
    complete(second, "{\"fidelity\": 0.9}", true).then().statusCode(200);
    complete(first, "{\"fidelity\": 0.9}", true).then().statusCode(409);
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/jobs/{id}", job)
        .then()
        .body("state", equalTo("SUCCEEDED"))
        .body("attempts", equalTo(2));
    given()
        .get("/api/v1/learnwares/{owner}/teacher-distilled", owner)
        .then()
        .statusCode(200)
        .body("versions.size()", equalTo(1));
    assertThat(StoreInvariants.violations(market)).isEmpty();
  }

  /** The orphan sweep (files of uncommitted uploads) runs in the background from the start. */
  private void assertInvariantsAfterTheStartupSweep() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(StoreInvariants.violations(market)).isEmpty());
  }

  /** Claims a job of {@code type} as the market's worker, waiting for its lease to come free. */
  private Response claim(String type) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                given()
                    .auth()
                    .oauth2(workerToken)
                    .contentType("application/json")
                    .body(Map.of("workerId", "fault", "types", List.of(type), "device", "cpu"))
                    .post("/api/v1/worker/claim"),
            response -> response.statusCode() == 200);
  }

  private Response complete(Response claim, String report, boolean withModel) {
    var request =
        given()
            .auth()
            .oauth2(workerToken)
            .header("Lease-Id", claim.<String>path("leaseId"))
            .multiPart("report", report);
    if (withModel) {
      request =
          request
              .multiPart("spec", Fixtures.text(Fixtures.DIGITS_SPEC))
              .multiPart("model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL))
              .multiPart("file", "features.pt", Fixtures.bytes(Fixtures.DIGITS_FEATURES));
    }
    return request.post("/api/v1/worker/jobs/{id}/complete", claim.<String>path("id"));
  }

  /** curl posting a job result with a large extra part, slowly enough to be killed mid-body. */
  private Process curlComplete(Response claim, Path big) throws IOException {
    Path spec = market.dataDir().resolve("result-spec.json");
    Files.writeString(spec, Fixtures.text(Fixtures.DIGITS_SPEC));
    return new ProcessBuilder(
            "curl",
            "-sS",
            "--limit-rate",
            "4M",
            "-H",
            "Authorization: Bearer " + workerToken,
            "-H",
            "Lease-Id: " + claim.<String>path("leaseId"),
            "-F",
            "report={\"fidelity\": 0.9}",
            "-F",
            "spec=<" + spec,
            "-F",
            "file=@" + big + ";filename=big.bin",
            "http://127.0.0.1:"
                + market.port()
                + "/api/v1/worker/jobs/"
                + claim.<String>path("id")
                + "/complete")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  /**
   * An upload over a raw socket that sends its spec and model, then trickles an extra file: it is
   * mid-body, its part staged, for as long as the test wants.
   */
  private Socket startSlowUpload(String token, String owner) throws IOException {
    String boundary = "slow-" + SEED;
    byte[] head =
        (part(boundary, "spec", "spec.json", Fixtures.text(Fixtures.DIGITS_SPEC))
                + "--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"model\"; filename=\"model.pt\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    byte[] model = Fixtures.bytes(Fixtures.DIGITS_MODEL);
    byte[] fileHead =
        ("\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    long length = head.length + model.length + fileHead.length + (256L << 20);
    Socket socket = new Socket("127.0.0.1", market.port());
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /api/v1/learnwares/"
                + owner
                + "/slow/versions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + token
                + "\r\nContent-Type: multipart/form-data; boundary="
                + boundary
                + "\r\nContent-Length: "
                + length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.write(head);
    out.write(model);
    out.write(fileHead);
    out.write(new byte[1 << 20]);
    out.flush();
    return socket;
  }

  private static String part(String boundary, String name, String filename, String content) {
    return "--"
        + boundary
        + "\r\nContent-Disposition: form-data; name=\""
        + name
        + "\"; filename=\""
        + filename
        + "\"\r\nContent-Type: application/json\r\n\r\n"
        + content
        + "\r\n";
  }

  /**
   * Uploaders racing on a shared learnware and one of their own, each version with a distinct extra
   * file so that every upload writes a new blob. Remembers what was acknowledged (201).
   */
  private static final class Traffic {
    private final Market market;
    private final String token;
    private final String owner;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final List<String> learnwares = new CopyOnWriteArrayList<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    private Traffic(Market market, String token, String owner) {
      this.market = market;
      this.token = token;
      this.owner = owner;
    }

    static Traffic start(Market market, String token, String owner, long seed) {
      Traffic traffic = new Traffic(market, token, owner);
      traffic.learnwares.add("shared");
      for (int i = 0; i < UPLOADERS; i++) {
        Random random = new Random(seed * 31 + i);
        String name = i % 2 == 0 ? "shared" : "own-" + i;
        if (!traffic.learnwares.contains(name)) {
          traffic.learnwares.add(name);
        }
        traffic.threads.add(Thread.ofPlatform().start(() -> traffic.upload(random, name)));
      }
      return traffic;
    }

    private void upload(Random random, String name) {
      while (running.get()) {
        byte[] noise = new byte[(64 << 10) + random.nextInt(1 << 20)];
        random.nextBytes(noise);
        Response response;
        try {
          response =
              market
                  .digitsUpload(token)
                  .multiPart("file", "noise.bin", noise, "application/octet-stream")
                  .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name);
        } catch (Exception e) {
          return; // the market is gone: no answer, nothing acknowledged
        }
        if (response.statusCode() == 201) {
          acknowledged.put(name + "@" + response.path("version"), Sha256.of(noise));
        } else if (response.statusCode() == 429) {
          pause(); // the per-token upload rate limit: a client waits and goes on
        } else if (running.get()) {
          unexpected.add(response.statusCode() + " " + response.asString());
        }
      }
    }

    private static void pause() {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    int acknowledged() {
      return acknowledged.size();
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join(Duration.ofSeconds(60));
      }
    }

    /** Every 201 is there, with the bytes that were sent. */
    void assertAcknowledgedArePresent() {
      acknowledged.forEach(
          (ref, sha) -> {
            String[] nameAndVersion = ref.split("@");
            byte[] bytes =
                given()
                    .get(
                        "/api/v1/learnwares/{owner}/{name}/versions/{v}/files/noise.bin",
                        owner,
                        nameAndVersion[0],
                        nameAndVersion[1])
                    .then()
                    .statusCode(200)
                    .extract()
                    .asByteArray();
            assertThat(Sha256.of(bytes)).as(ref).isEqualTo(sha);
            byte[] model =
                given()
                    .get(
                        "/api/v1/learnwares/{owner}/{name}/versions/{v}/artifact",
                        owner,
                        nameAndVersion[0],
                        nameAndVersion[1])
                    .asByteArray();
            assertThat(model).as(ref).isEqualTo(Fixtures.bytes(Fixtures.DIGITS_MODEL));
          });
    }

    /** Version numbers went on where they were: each learnware takes the next one. */
    void assertEveryLearnwareTakesItsNextVersion() {
      for (String name : learnwares) {
        Response learnware = given().get("/api/v1/learnwares/{owner}/{name}", owner, name);
        int latest = learnware.statusCode() == 404 ? 0 : learnware.path("latest");
        long acknowledgedHere =
            acknowledged.keySet().stream().filter(ref -> ref.startsWith(name + "@")).count();
        assertThat(latest).as(name).isGreaterThanOrEqualTo((int) acknowledgedHere);
        market
            .uploadDigits(token, owner, name)
            .then()
            .statusCode(201)
            .body("version", equalTo(latest + 1));
      }
    }
  }
}
