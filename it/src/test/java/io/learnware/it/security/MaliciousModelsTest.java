package io.learnware.it.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.it.support.MarketFixture;
import io.learnware.it.support.RealWorker;
import io.learnware.it.support.RealWorker.Running;
import io.learnware.testing.Fixtures;
import io.learnware.worker.runtime.Worker;
import io.learnware.worker.sandbox.SandboxLimits;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The malicious-model corpus ({@code fixtures/malicious/}, made by {@code
 * make_malicious_fixtures.py}) against the market with one real, sandboxed worker: each model gets
 * its documented outcome, no byte of a canary file outside the sandbox appears in any answer, and a
 * valid upload queued behind each hostile one becomes USABLE on the same worker.
 */
class MaliciousModelsTest {

  @RegisterExtension static final MarketFixture market = new MarketFixture();

  /** The file {@code read-file.pt} reads; {@code writes-file.pt} writes the other one. */
  private static final Path CANARY = Path.of("/tmp/learnware-canary.txt");

  private static final Path PWNED = Path.of("/tmp/learnware-pwned");
  private static final String SECRET = "canary-" + UUID.randomUUID();

  /**
   * Long enough that a model which only starts many threads meets the thread limit first even on a
   * loaded machine (at 10 s one CI run under load ended it by the wall clock instead).
   */
  private static final Duration VALIDATION_LIMIT = Duration.ofSeconds(30);

  private static Running worker;
  private static final List<String> answers = new ArrayList<>();

  @BeforeAll
  static void startASandboxedWorker() throws Exception {
    // 64 bytes, as the model reads them.
    Files.writeString(CANARY, (SECRET + "x".repeat(64)).substring(0, 64));
    Files.deleteIfExists(PWNED);
    Worker sandboxed =
        RealWorker.builder(market, "sandboxed", List.of("validate"))
            .optMaxValidationTime(VALIDATION_LIMIT)
            .optSandbox(new SandboxLimits(4L << 30, Duration.ofMinutes(2), 256, 256L << 20))
            .build();
    assertThat(sandboxed.sandboxed()).isTrue();
    worker = RealWorker.start("sandboxed", sandboxed);
  }

  @AfterAll
  static void stopTheWorker() throws Exception {
    worker.close();
    Files.deleteIfExists(CANARY);
  }

  @Test
  void archivesThatWouldHarmAWorkerAreRefusedAtUpload() {
    String token = market.newUser("archives");
    String owner = market.usernameOf(token);
    String onnxSpec = Fixtures.text(Fixtures.DIGITS_SPEC).replace("\"torchscript\"", "\"onnx\"");
    refused(token, owner, "bomb", Fixtures.text(Fixtures.DIGITS_SPEC), "malicious/zip-bomb.pt")
        .contains("uncompressed");
    refused(token, owner, "onnx-up", onnxSpec, "malicious/onnx-external-data.onnx").contains("../");
    refused(token, owner, "onnx-abs", onnxSpec, "malicious/onnx-external-absolute.onnx")
        .contains("/etc/passwd");
  }

  private static org.assertj.core.api.AbstractStringAssert<?> refused(
      String token, String owner, String name, String spec, String model) {
    JsonPath problem =
        market
            .upload(token, owner, name, spec, model)
            .then()
            .statusCode(422)
            .contentType("application/problem+json")
            .extract()
            .jsonPath();
    assertThat(problem.getString("violations[0].pointer")).isEqualTo("/model");
    given().get("/api/v1/learnwares/{owner}/{name}", owner, name).then().statusCode(404);
    return assertThat(problem.getString("violations[0].message"));
  }

  @Test
  void aModelThatReadsAFileOutsideTheSandboxFindsNothing() throws Exception {
    JsonPath verdict = hostile("read-file", "malicious/read-file.pt");

    assertThat(verdict.getString("state")).isEqualTo("INVALID");
    assertNoCanaryAnywhere();
  }

  @Test
  void aModelThatThrowsWhatItReadFindsNothingToThrow() throws Exception {
    JsonPath verdict = hostile("read-error", "malicious/read-file-error.pt");

    assertThat(verdict.getString("state")).isEqualTo("INVALID");
    assertNoCanaryAnywhere();
  }

  @Test
  void aModelThatReadsThePasswordFileFindsNothing() throws Exception {
    JsonPath verdict = hostile("read-passwd", "malicious/read-passwd.pt");

    assertThat(verdict.getString("state")).isEqualTo("INVALID");
    assertThat(String.join("\n", answers)).doesNotContain("root:x:0:0");
  }

  @Test
  void anEndlessLoopIsEndedAtTheValidationTimeLimit() throws Exception {
    JsonPath verdict = hostile("endless", "malicious/endless-loop.pt");

    assertThat(verdict.getString("state")).isEqualTo("INVALID");
    // The public log says the checks could not finish; the owner sees which limit ended them.
    assertThat(verdict.getString("validationLog")).contains("could not finish the checks");
    assertThat(verdict.getString("modelError"))
        .contains(
            "wall time limit (%ds, --max-validation-time)".formatted(VALIDATION_LIMIT.toSeconds()));
  }

  @Test
  void aHugeAllocationFailsNamingTheMemoryLimit() throws Exception {
    JsonPath verdict = hostile("huge", "malicious/huge-allocation.pt");

    assertThat(verdict.getString("state")).isEqualTo("INVALID");
    assertThat(verdict.getString("validationLog")).contains("memory limit (4 GiB");
  }

  @Test
  void aModelThatStartsThreadsStaysWithinTheThreadLimit() throws Exception {
    JsonPath verdict = hostile("threads", "malicious/many-threads.pt");

    // Either the model's threads were refused (the limit is named) or it ran within the limit.
    if (!verdict.getString("state").equals("USABLE")) {
      assertThat(verdict.getString("validationLog") + verdict.getString("modelError"))
          .contains("limit of 256 processes and threads");
    }
  }

  @Test
  void aModelCannotPrintItsOwnVerdict() throws Exception {
    JsonPath verdict = hostile("forges", "malicious/forges-verdict.pt");

    assertThat(verdict.getString("state")).isEqualTo("INVALID");
    assertThat(verdict.getString("validationLog"))
        .contains("the model returned 3 outputs per row")
        .doesNotContain("FORGED");
  }

  @Test
  void aModelThatWritesAFileWritesOnlyInsideTheSandbox() throws Exception {
    hostile("writes", "malicious/writes-file.pt");

    assertThat(PWNED).doesNotExist();
  }

  /**
   * Uploads the hostile model and a valid one right behind it; waits for both verdicts (the valid
   * one within 30 s of the hostile one's) and returns the hostile version's view.
   */
  private JsonPath hostile(String name, String model) throws Exception {
    String token = market.newUser(name);
    String owner = market.usernameOf(token);
    market
        .upload(token, owner, name, Fixtures.text(Fixtures.DIGITS_SPEC), model)
        .then()
        .statusCode(201);
    market.uploadDigits(token, owner, name + "-after").then().statusCode(201);

    JsonPath verdict = awaitVerdict(owner, name, token, Duration.ofMinutes(2));
    JsonPath after = awaitVerdict(owner, name + "-after", token, Duration.ofSeconds(30));
    assertThat(after.getString("state")).isEqualTo("USABLE");
    return verdict;
  }

  private static JsonPath awaitVerdict(String owner, String name, String token, Duration limit)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    while (true) {
      String anonymous =
          given().get("/api/v1/learnwares/{o}/{n}/versions/1", owner, name).asString();
      String owners =
          given()
              .auth()
              .oauth2(token)
              .get("/api/v1/learnwares/{o}/{n}/versions/1", owner, name)
              .asString();
      synchronized (answers) {
        answers.add(anonymous);
        answers.add(owners);
      }
      JsonPath view = JsonPath.from(owners);
      if (!"PENDING".equals(view.getString("state"))) {
        String jobs = given().auth().oauth2(token).get("/api/v1/jobs").asString();
        synchronized (answers) {
          answers.add(jobs);
        }
        return view;
      }
      assertThat(Instant.now()).as(owner + "/" + name + " still PENDING").isBefore(deadline);
      Thread.sleep(200);
    }
  }

  private static void assertNoCanaryAnywhere() {
    String all = String.join("\n", answers);
    assertThat(all).doesNotContain(SECRET);
    // The model leaks bytes as numbers too: the canary's first bytes as a list of integers.
    byte[] bytes = SECRET.getBytes(StandardCharsets.US_ASCII);
    String asNumbers = bytes[0] + ", " + bytes[1] + ", " + bytes[2] + ", " + bytes[3];
    assertThat(all).doesNotContain(asNumbers);
  }
}
