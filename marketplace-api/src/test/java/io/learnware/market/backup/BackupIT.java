package io.learnware.market.backup;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.storage.FilesystemBlobStore;
import io.learnware.market.storage.Sha256;
import io.learnware.market.support.MarketProcess;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code backup DIR} of a running market, {@code restore DIR} into a new data directory, and a
 * market started there: every learnware, version, alias, data set, job and blob is the same, and
 * the tokens still work. Damaged or misdirected restores fail and say why.
 */
class BackupIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] CSV =
      "a,b,label\n0.1,0.2,1\n0.3,0.4,0\n".getBytes(StandardCharsets.UTF_8);

  private final List<MarketProcess> markets = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (MarketProcess market : markets) {
      market.close();
    }
  }

  @Test
  void aBackupOfARunningMarketRestoresToTheSameMarket() throws Exception {
    Path work = Files.createTempDirectory("market-backup-");
    Path original = work.resolve("original");
    MarketProcess first = start(original);
    String admin = first.adminToken();
    String worker = first.workerToken();
    Content content = createContent(first);
    Map<String, String> before = views(content);
    Map<String, byte[]> bytesBefore = downloads(content);

    Path backup = work.resolve("backup");
    MarketProcess.Result backedUp = MarketProcess.run(original, "backup", backup.toString());
    assertThat(backedUp.exitCode()).as(backedUp.output()).isZero();
    assertThat(backedUp.output()).contains("table learnware_version").contains("Backup complete");
    try (Stream<Path> siblings = Files.list(work)) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .as("no partial backup left")
          .containsExactlyInAnyOrder("original", "backup");
    }
    JsonNode manifest = JSON.readTree(backup.resolve("manifest.json").toFile());
    assertThat(manifest.findValuesAsText("sha256"))
        .as("the deleted version's own file is not in the backup")
        .doesNotContain(content.deletedSha256());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)))
        .isEqualTo("rwx------");

    // The market deletes blob files again once the backup is done.
    byte[] later = randomBytes(99);
    upload(content.ann(), content.annName(), "later", later).then().statusCode(201);
    delete(content.ann(), content.annName(), "later", 1);
    assertThat(blobFile(original, Sha256.of(later))).doesNotExist();
    first.interrupt();

    Path restored = work.resolve("restored");
    MarketProcess.Result restoredRun = MarketProcess.run(restored, "restore", backup.toString());
    assertThat(restoredRun.exitCode()).as(restoredRun.output()).isZero();
    assertThat(restoredRun.output()).contains("Restore complete");
    try (Stream<Path> files = Files.walk(FilesystemBlobStore.rootIn(restored))) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .as("a file for every blob row, and no other")
          .containsExactlyInAnyOrderElementsOf(manifest.get("blobs").findValuesAsText("sha256"));
    }
    for (String file : List.of("admin-token", "worker-token")) {
      assertThat(restored.resolve(file)).hasSameTextualContentAs(original.resolve(file));
      assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(restored.resolve(file))))
          .isEqualTo("rw-------");
    }

    start(restored);
    assertThat(views(content)).containsExactlyEntriesOf(before);
    Map<String, byte[]> bytesAfter = downloads(content);
    assertThat(bytesAfter.keySet()).containsExactlyElementsOf(bytesBefore.keySet());
    bytesBefore.forEach(
        (what, bytes) -> assertThat(bytesAfter.get(what)).as(what).isEqualTo(bytes));

    // Tokens still work, and new rows get ids of their own.
    for (String token : List.of(content.ann(), content.bob(), admin)) {
      given().auth().oauth2(token).get("/api/v1/me").then().statusCode(200);
    }
    given()
        .auth()
        .oauth2(worker)
        .contentType("application/json")
        .body(Map.of("workerId", "after-restore", "types", List.of("robustness"), "device", "cpu"))
        .post("/api/v1/worker/claim")
        .then()
        .statusCode(204);
    upload(content.ann(), content.annName(), "alpha", randomBytes(100)).then().statusCode(201);
    upload(content.ann(), content.annName(), "gamma", randomBytes(101)).then().statusCode(201);
    current().newUser("carol");
    requestDistill(content.ann(), content.annName() + "/alpha@2");
  }

  @Test
  void restoreRefusesANonEmptyDataDirectoryADamagedBlobAndANewerSchema() throws Exception {
    Path work = Files.createTempDirectory("market-backup-refused-");
    Path original = work.resolve("original");
    MarketProcess market = start(original);
    String ann = market.newUser("ann");
    String annName = market.usernameOf(ann);
    byte[] notes = randomBytes(7);
    upload(ann, annName, "alpha", notes).then().statusCode(201);
    Path backup = work.resolve("backup");
    assertThat(MarketProcess.run(original, "backup", backup.toString()).exitCode()).isZero();
    MarketProcess.Result again = MarketProcess.run(original, "backup", backup.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.output()).contains("backup failed").contains("is not empty");
    market.interrupt();

    MarketProcess.Result intoUsed = MarketProcess.run(original, "restore", backup.toString());
    assertThat(intoUsed.exitCode()).isEqualTo(1);
    assertThat(intoUsed.output())
        .contains("restore failed: the data directory")
        .contains("is not empty");

    Path damaged = copyOf(backup, work.resolve("damaged"));
    Path blob = blobFile(damaged, Sha256.of(notes));
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 1;
    Files.write(blob, bytes);
    Path target = work.resolve("target");
    MarketProcess.Result fromDamaged = MarketProcess.run(target, "restore", damaged.toString());
    assertThat(fromDamaged.exitCode()).isEqualTo(1);
    assertThat(fromDamaged.output())
        .contains("restore failed: blob " + Sha256.of(notes) + " in the backup is damaged");
    try (Stream<Path> left = Files.list(target)) {
      assertThat(left).as("a failed restore leaves the data directory empty").isEmpty();
    }

    Path newer = copyOf(backup, work.resolve("newer"));
    ObjectNode manifest = (ObjectNode) JSON.readTree(newer.resolve("manifest.json").toFile());
    manifest.put("schemaVersion", "9999");
    JSON.writeValue(newer.resolve("manifest.json").toFile(), manifest);
    MarketProcess.Result fromNewer = MarketProcess.run(target, "restore", newer.toString());
    assertThat(fromNewer.exitCode()).isEqualTo(1);
    assertThat(fromNewer.output()).contains("schema version 9999 is newer than this market's");

    Files.delete(backup.resolve("manifest.json"));
    MarketProcess.Result fromPartial = MarketProcess.run(target, "restore", backup.toString());
    assertThat(fromPartial.exitCode()).isEqualTo(1);
    assertThat(fromPartial.output()).contains("is not a complete backup");
  }

  /** What the first market holds; the names and tokens to read it back with. */
  private record Content(
      String ann,
      String annName,
      String bob,
      String bobName,
      String admin,
      List<String> jobs,
      String deletedSha256) {}

  private Content createContent(MarketProcess market) {
    String worker = market.workerToken();
    String ann = market.newUser("ann");
    String annName = market.usernameOf(ann);
    String bob = market.newUser("bob");
    String bobName = market.usernameOf(bob);
    given()
        .auth()
        .oauth2(ann)
        .contentType("application/json")
        .body("{\"name\": \"ci\"}")
        .post("/api/v1/tokens")
        .then()
        .statusCode(201);

    byte[] deleted = randomBytes(3);
    upload(ann, annName, "alpha", randomBytes(1)).then().statusCode(201);
    upload(ann, annName, "alpha", randomBytes(2)).then().statusCode(201);
    upload(ann, annName, "alpha", deleted).then().statusCode(201);
    upload(bob, bobName, "beta", randomBytes(4)).then().statusCode(201);
    // A worker accepts ann's versions and rejects bob's; his second version stays pending.
    for (int i = 0; i < 4; i++) {
      Response claim =
          given()
              .auth()
              .oauth2(worker)
              .contentType("application/json")
              .body(Map.of("workerId", "w1", "types", List.of("validate"), "device", "cpu"))
              .post("/api/v1/worker/claim");
      assertThat(claim.statusCode()).isEqualTo(200);
      boolean usable = claim.<String>path("source.learnware").startsWith(annName + "/");
      given()
          .auth()
          .oauth2(worker)
          .header("Lease-Id", claim.<String>path("leaseId"))
          .multiPart("report", "{\"usable\": " + usable + ", \"log\": [\"checked\"]}")
          .post("/api/v1/worker/jobs/{id}/complete", claim.<String>path("id"))
          .then()
          .statusCode(200);
    }
    upload(bob, bobName, "beta", randomBytes(5)).then().statusCode(201);

    given()
        .auth()
        .oauth2(ann)
        .contentType("application/json")
        .body("{\"version\": 1}")
        .put("/api/v1/learnwares/{owner}/alpha/aliases/prod", annName)
        .then()
        .statusCode(200);
    given()
        .auth()
        .oauth2(ann)
        .multiPart("data", "train.csv", CSV, "text/csv")
        .post("/api/v1/datasets/{owner}/train", annName)
        .then()
        .statusCode(201);
    String queued = requestDistill(ann, annName + "/alpha@1");
    String cancelled = requestDistill(ann, annName + "/alpha@2");
    given().auth().oauth2(ann).post("/api/v1/jobs/{id}/cancel", cancelled).then().statusCode(200);
    delete(ann, annName, "alpha", 3);
    return new Content(
        ann,
        annName,
        bob,
        bobName,
        market.adminToken(),
        List.of(queued, cancelled),
        Sha256.of(deleted));
  }

  /** The JSON the API answers about everything created, by request. */
  private static Map<String, String> views(Content content) throws Exception {
    Map<String, String> views = new LinkedHashMap<>();
    String ann = content.ann();
    String bob = content.bob();
    view(views, null, "/api/v1/learnwares");
    view(views, null, "/api/v1/learnwares?q=digits");
    view(views, ann, "/api/v1/learnwares?owner=" + content.annName() + "&state=PENDING");
    view(views, bob, "/api/v1/learnwares?owner=" + content.bobName() + "&state=INVALID");
    view(views, ann, "/api/v1/learnwares/" + content.annName() + "/alpha");
    view(views, bob, "/api/v1/learnwares/" + content.bobName() + "/beta");
    for (int version : List.of(1, 2)) {
      view(views, ann, "/api/v1/learnwares/" + content.annName() + "/alpha/versions/" + version);
      view(views, bob, "/api/v1/learnwares/" + content.bobName() + "/beta/versions/" + version);
    }
    view(views, ann, "/api/v1/learnwares/" + content.annName() + "/alpha/versions/prod");
    view(views, ann, "/api/v1/learnwares/" + content.annName() + "/alpha/versions/1/spec");
    view(views, ann, "/api/v1/datasets/" + content.annName() + "/train");
    view(views, ann, "/api/v1/jobs");
    view(views, bob, "/api/v1/jobs");
    for (String job : content.jobs()) {
      view(views, ann, "/api/v1/jobs/" + job);
    }
    view(views, ann, "/api/v1/me");
    view(views, ann, "/api/v1/tokens");
    view(views, content.admin(), "/api/v1/worker-tokens");
    return views;
  }

  private static void view(Map<String, String> views, String token, String path) throws Exception {
    Response response = token == null ? given().get(path) : given().auth().oauth2(token).get(path);
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    views.put(
        path,
        JSON.writerWithDefaultPrettyPrinter()
            .writeValueAsString(JSON.readTree(response.asString())));
  }

  /** Every blob the API serves, by URL. */
  private static Map<String, byte[]> downloads(Content content) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    String alpha = "/api/v1/learnwares/" + content.annName() + "/alpha/versions/";
    String beta = "/api/v1/learnwares/" + content.bobName() + "/beta/versions/";
    for (String version : List.of("1", "2")) {
      for (String base : List.of(alpha, beta)) {
        for (String file : List.of("/artifact", "/files/features.pt", "/files/notes.bin")) {
          String path = base + version + file;
          Response response = given().get(path);
          assertThat(response.statusCode()).as(path).isEqualTo(200);
          bytes.put(path, response.asByteArray());
        }
      }
    }
    String data = "/api/v1/datasets/" + content.annName() + "/train/data";
    bytes.put(
        data,
        given()
            .auth()
            .oauth2(content.ann())
            .get(data)
            .then()
            .statusCode(200)
            .extract()
            .asByteArray());
    assertThat(bytes.get(data)).isEqualTo(CSV);
    return bytes;
  }

  private MarketProcess start(Path dataDir) throws Exception {
    MarketProcess market =
        MarketProcess.start(dataDir, Map.of("LEARNWARE_JOBS_CLAIM_WAIT", "300MS"));
    RestAssured.port = market.port();
    markets.add(market);
    return market;
  }

  /** The market REST Assured points at: the one started last. */
  private MarketProcess current() {
    return markets.getLast();
  }

  private Response upload(String token, String owner, String name, byte[] notes) {
    return current()
        .digitsUpload(token)
        .multiPart("file", "notes.bin", notes, "application/octet-stream")
        .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name);
  }

  private static void delete(String token, String owner, String name, int version) {
    given()
        .auth()
        .oauth2(token)
        .delete("/api/v1/learnwares/{owner}/{name}/versions/{version}", owner, name, version)
        .then()
        .statusCode(204);
  }

  private String requestDistill(String token, String source) {
    return current()
        .requestJob(
            token,
            Map.of(
                "type",
                "distill",
                "source",
                source,
                "dataset",
                source.substring(0, source.indexOf('/')) + "/train"));
  }

  private static Path blobFile(Path dataDir, String sha256) {
    return FilesystemBlobStore.pathIn(FilesystemBlobStore.rootIn(dataDir), sha256);
  }

  private static byte[] randomBytes(long seed) {
    byte[] bytes = new byte[4096];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static Path copyOf(Path source, Path target) throws Exception {
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path path : paths.toList()) {
        Files.copy(path, target.resolve(source.relativize(path).toString()));
      }
    }
    return target;
  }
}
