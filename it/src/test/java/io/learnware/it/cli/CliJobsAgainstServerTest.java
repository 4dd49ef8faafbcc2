package io.learnware.it.cli;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.client.CreatedUser;
import io.learnware.client.LearnwareClient;
import io.learnware.client.LearnwareRef;
import io.learnware.client.TokenInfo;
import io.learnware.it.support.Cli;
import io.learnware.it.support.Cli.Run;
import io.learnware.it.support.MarketFixture;
import io.learnware.it.support.RealWorker;
import io.learnware.it.support.RealWorker.Running;
import io.learnware.spec.reuse.EnsembleManifest.Method;
import io.learnware.testing.Ensembles;
import io.learnware.testing.Fixtures;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job commands of the command line ({@code dataset upload}, {@code distill}, {@code
 * robustness}, {@code evaluate}, {@code transfer}, {@code jobs list|show|watch|cancel}) in-process
 * against the real market, with a real DJL worker where a job has to run.
 */
// The real worker's test last: a claim it left waiting on the server could take the others' jobs.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliJobsAgainstServerTest {

  @RegisterExtension static final MarketFixture market = new MarketFixture();

  @TempDir Path tmp;

  @Test
  @Order(3)
  void distillRobustnessAndEvaluateAreFollowedToTheirReports() throws Exception {
    String token = market.newUser("jobs");
    String owner = market.usernameOf(token);
    market.uploadDigits(token, owner, "digits").then().statusCode(201);
    Path narrow = Files.writeString(tmp.resolve("narrow.csv"), "a,b,label\n0.1,0.2,1\n0.3,0.4,0\n");

    try (Running worker =
        RealWorker.start(
            market, "cli-jobs", List.of("validate", "distill", "robustness", "evaluate"))) {
      awaitUsable(owner + "/digits");
      Run dataset =
          uploadDataset(token, owner + "/digits-train", Fixtures.path("data/digits-train.csv.gz"));
      assertThat(dataset.exitCode()).as(dataset.err()).isZero();
      assertThat(dataset.out()).startsWith("uploaded data set " + owner + "/digits-train (csv, ");

      Run distill =
          cli(
              "distill",
              owner + "/digits@1",
              "--token",
              token,
              "--dataset",
              owner + "/digits-train",
              "--hidden",
              "16",
              "--epochs",
              "20",
              "--seed",
              "3",
              "--wait",
              "--json",
              "--quiet");

      assertThat(distill.exitCode()).as(distill.err() + distill.out()).isZero();
      JsonNode job = Cli.json(distill.out());
      assertThat(job.get("state").asText()).isEqualTo("SUCCEEDED");
      assertThat(job.at("/params/student/hidden/0").asInt()).isEqualTo(16);
      assertThat(job.at("/params/student/type").asText()).isEqualTo("mlp");
      assertThat(job.at("/params/epochs").asInt()).isEqualTo(20);
      assertThat(job.at("/result/learnware").asText()).isEqualTo(owner + "/digits-distilled@1");
      // The training rows with their labels: the student learns the teacher's digits well.
      assertThat(job.at("/result/report/fidelity").asDouble()).isGreaterThan(0.8);

      Run robustness =
          cli(
              "robustness",
              owner + "/digits",
              "--token",
              token,
              "--dataset",
              owner + "/digits-train",
              "--noise",
              "0.1",
              "--epsilons",
              "0.05",
              "--pgd-steps",
              "3",
              "--wait",
              "--quiet");

      List<String> lines = succeeded(robustness, "robustness", owner + "/digits@1");
      assertThat(lines).contains("report:");
      JsonNode report =
          Cli.json(robustness.out().substring(robustness.out().indexOf("report:") + 7));
      assertThat(report.at("/clean/accuracy").asDouble()).isGreaterThan(0.9);
      assertThat(report.at("/noise/0/sigma").asDouble()).isEqualTo(0.1);
      assertThat(report.at("/pgd/0/steps").asInt()).isEqualTo(3);

      // The evaluate job on a bundled benchmark set: the digits teacher's test accuracy.
      Run evaluate =
          cli(
              "evaluate",
              owner + "/digits",
              "--token",
              token,
              "--benchmark",
              "digits-test",
              "--wait",
              "--quiet");

      List<String> figures = succeeded(evaluate, "evaluate", owner + "/digits@1");
      assertThat(figures.get(1)).isEqualTo("evaluated on the benchmark set digits-test: 360 rows");
      assertThat(figures.get(2)).startsWith("accuracy 0.9167   macro precision ");
      assertThat(figures).contains("confusion matrix (rows: true class, columns: predicted class)");
      String evaluatedOn =
          given()
              .get("/api/v1/learnwares/{owner}/digits/versions/1", owner)
              .then()
              .extract()
              .path("reports.find { it.type == 'evaluate' }.report.data.benchmark");
      assertThat(evaluatedOn).isEqualTo("digits-test");

      // A job that fails: its error is printed and the exit code says so.
      Run upload = uploadDataset(token, owner + "/narrow", narrow);
      assertThat(upload.exitCode()).as(upload.err()).isZero();
      Run failing =
          cli(
              "distill",
              owner + "/digits",
              "--token",
              token,
              "--dataset",
              owner + "/narrow",
              "--wait",
              "--quiet");
      assertThat(failing.exitCode()).as(failing.err() + failing.out()).isEqualTo(5);
      assertThat(failing.out()).contains(" distill FAILED on " + owner + "/digits@1");
      assertThat(failing.out().lines())
          .anyMatch(line -> line.startsWith("error: ") && line.contains("2 feature columns"));
    }

    Run list = cli("jobs", "list", "--token", token, "--json");
    assertThat(list.exitCode()).as(list.err()).isZero();
    List<String> types = new ArrayList<>();
    Cli.json(list.out()).forEach(j -> types.add(j.get("type").asText()));
    // Newest first; the validation was requested by the upload.
    assertThat(types).containsExactly("distill", "evaluate", "robustness", "distill", "validate");
  }

  @Test
  @Order(1)
  void aTransferIsQueuedWithItsParametersThenCancelled() throws IOException {
    String token = market.newUser("transfer");
    String owner = market.usernameOf(token);
    market.uploadDigits(token, owner, "digits").then().statusCode(201);
    market.validateAll();
    uploadDataset(token, owner + "/few", Fixtures.path("data/digits-train.csv.gz"));

    Run transfer =
        cli(
            "transfer",
            owner + "/digits",
            "--token",
            token,
            "--dataset",
            owner + "/few",
            "--target",
            owner + "/digits-adapted",
            "--head-hidden",
            "0",
            "--freeze-backbone",
            "--epochs",
            "4",
            "--validation-split",
            "0.25",
            "--params",
            "{\"seed\": 11, \"epochs\": 99}",
            "--json");

    assertThat(transfer.exitCode()).as(transfer.err()).isZero();
    JsonNode queued = Cli.json(transfer.out());
    assertThat(queued.get("type").asText()).isEqualTo("transfer");
    assertThat(queued.get("state").asText()).isEqualTo("QUEUED");
    assertThat(queued.get("source").asText()).isEqualTo(owner + "/digits@1");
    assertThat(queued.get("dataset").asText()).isEqualTo(owner + "/few");
    assertThat(queued.get("target").asText()).isEqualTo(owner + "/digits-adapted");
    assertThat(queued.get("params"))
        .isEqualTo(
            Cli.json(
                """
                {"seed": 11, "epochs": 4, "head": {"hidden": 0}, "freezeBackbone": true,
                 "validationSplit": 0.25}"""));
    String id = queued.get("id").asText();

    Run show = cli("jobs", "show", id, "--token", token);
    assertThat(show.out()).startsWith("job " + id + ": transfer QUEUED on " + owner + "/digits@1");
    Run cancel = cli("jobs", "cancel", id, "--token", token, "--json");
    assertThat(cancel.exitCode()).as(cancel.err()).isZero();
    assertThat(Cli.json(cancel.out()).get("state").asText()).isEqualTo("CANCELLED");
    Run watch = cli("jobs", "watch", id, "--token", token, "--quiet");
    assertThat(watch.exitCode()).isEqualTo(5);
    assertThat(watch.out()).startsWith("job " + id + ": transfer CANCELLED");
    Run again = cli("jobs", "cancel", id, "--token", token);
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err())
        .startsWith("error: Conflict (HTTP 409): Job " + id + " has already finished");
  }

  @Test
  @Order(2)
  void malformedArgumentsAreUsageErrorsAndStrangersSeeNoJobs() {
    String token = market.newUser("usage");
    String stranger = market.newUser("stranger");
    Run badId = cli("jobs", "watch", "not-a-job", "--token", token);
    Run badParams = cli("distill", "demo/digits", "--token", token, "--params", "[1]");
    Run unknown = cli("jobs", "show", "00000000-0000-0000-0000-000000000000", "--token", stranger);

    assertThat(badId.exitCode()).isEqualTo(2);
    assertThat(badId.err()).contains("'not-a-job' is not a job id (a UUID)");
    assertThat(badParams.exitCode()).isEqualTo(2);
    assertThat(badParams.err()).contains("--params: must be a JSON object");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.err()).startsWith("error: Not found (HTTP 404)");
  }

  @Test
  @Order(2)
  void uploadTakesTheSpecFromTheFileAndFlags() throws IOException {
    String token = market.newUser("flags");
    String owner = market.usernameOf(token);
    Path rkme = tmp.resolve("low-rkme.json");
    Run computed =
        cli(
            "spec",
            "rkme",
            "--csv",
            Fixtures.path("data/digits-test.csv.gz").toString(),
            "--label",
            "label",
            "--points",
            "50",
            "--quiet",
            "--out",
            rkme.toString());
    assertThat(computed.exitCode()).as(computed.err()).isZero();

    Run upload =
        cli(
            "upload",
            owner + "/digits-low",
            "--token",
            token,
            "--quiet",
            "--spec",
            Fixtures.path("digits-low/spec.json").toString(),
            "--model",
            Fixtures.path("digits-low/model.pt").toString(),
            "--stat",
            rkme.toString(),
            "--name",
            "Digits, the low half",
            "--tag",
            "digits",
            "--tag",
            "low",
            "--json");

    assertThat(upload.exitCode()).as(upload.err()).isZero();
    assertThat(Cli.json(upload.out()).get("version").asInt()).isEqualTo(1);
    JsonNode spec = storedSpec(owner, "digits-low");
    assertThat(spec.get("name").asText()).isEqualTo("Digits, the low half");
    assertThat(spec.get("tags")).extracting(JsonNode::asText).containsExactly("digits", "low");
    assertThat(spec.at("/statistical/type").asText()).isEqualTo("rkme-table");
    assertThat(spec.at("/statistical/z").size()).isEqualTo(50);
    assertThat(spec.get("description").asText()).contains("the digits 0-4");
    Run notJson =
        cli(
            "upload",
            owner + "/digits-low",
            "--token",
            token,
            "--spec",
            Fixtures.path("digits-low/spec.json").toString(),
            "--model",
            Fixtures.path("digits-low/model.pt").toString(),
            "--stat",
            Fixtures.path("digits-low/model.pt").toString());
    assertThat(notJson.exitCode()).isEqualTo(1);
    assertThat(notJson.err())
        .startsWith("error: " + Fixtures.path("digits-low/model.pt") + ": not JSON");
  }

  @Test
  @Order(2)
  void uploadBuildsTheSpecFromFlagsAlone() throws IOException {
    String token = market.newUser("noflags");
    String owner = market.usernameOf(token);
    List<String> flags =
        new ArrayList<>(
            List.of(
                "upload",
                owner + "/digits-high",
                "--token",
                token,
                "--quiet",
                "--model",
                Fixtures.path("digits-high/model.pt").toString(),
                "--name",
                "Digits 5-9",
                "--description",
                "8x8 digits as 64 pixels in 0..1; trained on the 5-9s",
                "--data-type",
                "table",
                "--task",
                "classification",
                "--input-dimension",
                "64",
                "--labels",
                "0,1,2,3,4,5,6,7,8,9"));

    Run incomplete = cli(flags.toArray(String[]::new));
    flags.addAll(List.of("--license", "MIT", "--json"));
    Run upload = cli(flags.toArray(String[]::new));

    assertThat(incomplete.exitCode()).isEqualTo(1);
    assertThat(incomplete.err()).startsWith("error: the specification has 1 problem(s)");
    assertThat(incomplete.err()).contains("license");
    assertThat(upload.exitCode()).as(upload.err()).isZero();
    JsonNode spec = storedSpec(owner, "digits-high");
    assertThat(spec.at("/model/format").asText()).isEqualTo("torchscript");
    assertThat(spec.at("/output/dimension").asInt()).isEqualTo(10);
    assertThat(spec.at("/input/dimension").asInt()).isEqualTo(64);
    assertThat(spec.get("specVersion").asInt()).isEqualTo(1);
  }

  @Test
  @Order(2)
  void reuseTakesTheMixtureTheMarketRecommends() throws IOException {
    String token = market.newUser("mixture");
    String owner = market.usernameOf(token);
    market.uploadDigitsHalves(token, owner);
    market.validateAll();
    uploadDataset(token, owner + "/mine", Fixtures.path("data/digits-test.csv.gz"));
    Path rkme = tmp.resolve("mine.json");
    cli(
        "spec",
        "rkme",
        "--csv",
        Fixtures.path("data/digits-test.csv.gz").toString(),
        "--label",
        "label",
        "--quiet",
        "--out",
        rkme.toString());

    Run reuse =
        cli(
            "reuse",
            "--token",
            token,
            "--stat",
            rkme.toString(),
            "--owner",
            owner,
            "--dataset",
            owner + "/mine",
            "--json");
    Run both = cli("reuse", owner + "/digits-low", "--stat", rkme.toString(), "--token", token);
    Run one = cli("reuse", owner + "/digits-low", "--token", token);

    assertThat(reuse.exitCode()).as(reuse.err()).isZero();
    JsonNode job = Cli.json(reuse.out());
    assertThat(job.get("type").asText()).isEqualTo("reuse");
    // The mixture's heavier member is the source; the other is pinned to its version.
    assertThat(List.of(job.get("source").asText(), job.at("/params/sources/0").asText()))
        .containsExactlyInAnyOrder(owner + "/digits-low@1", owner + "/digits-high@1");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("name two or more learnwares, or give --stat (not both)");
    assertThat(one.exitCode()).isEqualTo(2);
    cli("jobs", "cancel", job.get("id").asText(), "--token", token);
  }

  @Test
  @Order(2)
  void reusePublishesAnEnsembleAndShowListsItsMembers() throws Exception {
    String token = market.newUser("publish");
    String owner = market.usernameOf(token);
    market.uploadDigitsHalves(token, owner);
    market.validateAll();
    uploadDataset(token, owner + "/mine", Fixtures.path("data/digits-test.csv.gz"));
    // The worker's part, played by hand: the job's result is the ensemble of the two halves.
    Thread worker =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    Response claim = market.claim("reuse");
                    if (claim.statusCode() != 200) {
                      continue;
                    }
                    var result =
                        given()
                            .auth()
                            .oauth2(market.workerToken())
                            .header("Lease-Id", claim.<String>path("leaseId"));
                    if (!claim.<String>path("source.learnware").equals(owner + "/digits-low@1")) {
                      result
                          .contentType("application/json")
                          .body("{\"error\": \"not this test's\", \"retryable\": false}")
                          .post("/api/v1/worker/jobs/{id}/fail", claim.<String>path("id"));
                      continue;
                    }
                    result
                        .multiPart(
                            "report",
                            "{\"rows\": 360, \"learnwares\": [\"%1$s/digits-low@1\", \"%1$s/digits-high@1\"]}"
                                .formatted(owner))
                        .multiPart("spec", Ensembles.spec("Vote of the digits halves"))
                        .multiPart(
                            "model",
                            "ensemble.json",
                            Ensembles.manifest(Method.VOTE, Ensembles.halves(owner)),
                            "application/json")
                        .post("/api/v1/worker/jobs/{id}/complete", claim.<String>path("id"))
                        .then()
                        .statusCode(200);
                    return;
                  }
                });

    Run reuse =
        cli(
            "reuse",
            owner + "/digits-low",
            owner + "/digits-high",
            "--token",
            token,
            "--dataset",
            owner + "/mine",
            "--publish",
            "vote",
            "--target",
            owner + "/both",
            "--wait",
            "--quiet");
    worker.join();

    assertThat(reuse.exitCode()).as(reuse.err() + reuse.out()).isZero();
    assertThat(reuse.out()).contains("reuse SUCCEEDED", "created " + owner + "/both@1");
    Run show = cli("show", owner + "/both", "--token", token);
    assertThat(show.exitCode()).as(show.err()).isZero();
    String lowSha = Ensembles.halves(owner).get(0).sha256();
    assertThat(show.out())
        .startsWith(owner + "/both@1 (PENDING): Vote of the digits halves")
        .contains(
            "table classification, 64 inputs, 10 outputs",
            "model: ensemble,",
            "ensemble: vote of 2 members (classification)",
            "1. " + owner + "/digits-low@1   sha256 " + lowSha,
            "2. " + owner + "/digits-high@1  sha256 ",
            "combined from: " + owner + "/digits-low@1, " + owner + "/digits-high@1",
            "reports: reuse");
    Run member = cli("show", owner + "/digits-low@1");
    assertThat(member.out())
        .contains("combined into: " + owner + "/both@1")
        .doesNotContain("ensemble:");
    Run json = cli("show", owner + "/both@1", "--json");
    assertThat(Cli.json(json.out()).at("/ensemble/members/1/learnware").asText())
        .isEqualTo(owner + "/digits-high@1");
    Run wrong =
        cli(
            "reuse",
            owner + "/digits-low",
            owner + "/digits-high",
            "--token",
            token,
            "--dataset",
            owner + "/mine",
            "--publish",
            "median");
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.err()).contains("/params/publish: must be mean, vote or selector");
  }

  @Test
  @Order(2)
  void theClientLibraryCoversAccountsTokensAliasesAndDeletion() throws Exception {
    String name = "lib-" + UUID.randomUUID().toString().substring(0, 8);
    try (LearnwareClient admin =
        LearnwareClient.builder(market.uri()).token(market.adminToken()).build()) {
      CreatedUser user = admin.createUser(name);
      assertThat(user.username()).isEqualTo(name);
      assertThat(admin.me().roles()).contains("admin");

      try (LearnwareClient client =
          LearnwareClient.builder(market.uri()).token(user.token()).build()) {
        assertThat(client.me().username()).isEqualTo(name);
        TokenInfo laptop = client.createToken("laptop");
        assertThat(laptop.token()).isNotBlank();
        assertThat(client.tokens()).extracting(TokenInfo::name).contains("laptop");
        client.revokeToken(laptop.id());
        assertThat(client.tokens()).extracting(TokenInfo::name).doesNotContain("laptop");

        market.uploadDigits(user.token(), name, "digits").then().statusCode(201);
        market.uploadDigits(user.token(), name, "digits").then().statusCode(201);
        var ref = LearnwareRef.parse(name + "/digits");
        client.setAlias(ref, "prod", 1);
        assertThat(client.version(ref.at("prod")).version()).isEqualTo(1);
        assertThat(client.learnware(name, "digits").get("versions")).hasSize(2);
        client.delete(ref.at("2"));
        assertThat(client.learnware(name, "digits").get("versions")).hasSize(1);
      }
    }
  }

  private static void awaitUsable(String learnware) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      Run pulled = cli("search", "--owner", learnware.split("/")[0], "--json");
      if (pulled.out().contains(learnware + "@")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(learnware + " was never validated");
  }

  /** {@code dataset upload DATASET --data FILE} as {@code token}'s user. */
  private static Run uploadDataset(String token, String dataset, Path data) {
    return cli(
        "dataset", "upload", dataset, "--token", token, "--quiet", "--data", data.toString());
  }

  /** The spec stored for {@code owner/name@1}. */
  private static JsonNode storedSpec(String owner, String name) {
    return Cli.json(
        given()
            .get("/api/v1/learnwares/{owner}/{name}/versions/1/spec", owner, name)
            .then()
            .statusCode(200)
            .extract()
            .asString());
  }

  /**
   * The lines a {@code --wait} job command printed, once its exit code and first line say the job
   * SUCCEEDED on {@code source}.
   */
  private static List<String> succeeded(Run run, String type, String source) {
    assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.getFirst()).matches("job \\S+: " + type + " SUCCEEDED on " + source + ", .*");
    return lines;
  }

  private static Run cli(String... args) {
    return Cli.run(market, null, args);
  }
}
