package io.learnware.it.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.client.JobInfo;
import io.learnware.client.JobListener;
import io.learnware.client.JobRequest;
import io.learnware.client.LearnwareClient;
import io.learnware.client.LearnwareRef;
import io.learnware.client.TransferListener;
import io.learnware.it.support.Cli;
import io.learnware.it.support.Cli.Run;
import io.learnware.it.support.MarketFixture;
import io.learnware.it.support.RealWorker;
import io.learnware.it.support.RealWorker.Running;
import io.learnware.spec.SpecDocuments;
import io.learnware.testing.Fixtures;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code reuse} job end to end: requested with the CLI and the client library, run by a real
 * DJL worker on two learnwares trained on halves of the digits, for a user whose data spans both.
 */
// The real worker's test last: a claim it left waiting on the server could take the others' jobs.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReuseJobTest {

  @RegisterExtension static final MarketFixture market = new MarketFixture();

  @Test
  @Order(1)
  void requestsAreCheckedAndPinnedToExactVersions() {
    String token = market.newUser("reuse-check");
    String owner = market.usernameOf(token);
    market.uploadDigitsHalves(token, owner);
    market.uploadDigits(token, owner, "pending").then().statusCode(201);
    market.validateAll();
    market.uploadDigits(token, owner, "pending").then().statusCode(201);
    uploadTestRows(token, owner);

    market
        .postJob(
            token,
            Map.of("type", "reuse", "source", owner + "/digits-low", "dataset", owner + "/user"))
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/params/sources"));
    market
        .postJob(
            token,
            Map.of(
                "type",
                "reuse",
                "source",
                owner + "/digits-low",
                "params",
                Map.of("sources", List.of(owner + "/digits-high"))))
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/dataset"));
    market
        .postJob(token, reuse(owner, List.of(owner + "/nothing")))
        .then()
        .statusCode(404)
        .body("detail", equalTo("No learnware " + owner + "/nothing."));
    market
        .postJob(token, reuse(owner, List.of(owner + "/pending@2")))
        .then()
        .statusCode(409)
        .body("detail", containsString("a reuse job needs USABLE versions"));
    market
        .postJob(token, reuse(owner, List.of(owner + "/digits-low@1")))
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/params/sources/0"));

    String id =
        market
            .postJob(token, reuse(owner, List.of(owner + "/digits-high@latest")))
            .then()
            .statusCode(202)
            .body("source", equalTo(owner + "/digits-low@1"))
            .body("params.sources[0]", equalTo(owner + "/digits-high@1"))
            .extract()
            .path("id");
    given().auth().oauth2(token).post("/api/v1/jobs/{id}/cancel", id).then().statusCode(200);
  }

  @Test
  @Order(2)
  void aRealWorkerCombinesTwoHalvesBetterThanEitherAlone() throws Exception {
    String token = market.newUser("reuse");
    String owner = market.usernameOf(token);
    market.uploadDigitsHalves(token, owner);
    market.validateAll();
    uploadTestRows(token, owner);

    try (Running worker = RealWorker.start(market, "reuse-worker", List.of("reuse"))) {
      // The command line...
      Run run =
          Cli.run(
              market,
              token,
              "reuse",
              owner + "/digits-low",
              owner + "/digits-high",
              "--dataset",
              owner + "/user",
              "--wait",
              "--json",
              "--quiet");
      assertThat(run.exitCode()).as(run.err()).isZero();
      JsonNode job = SpecDocuments.mapper().readTree(run.out());
      JsonNode report = job.at("/result/report");
      assertThat(job.get("state").asText()).isEqualTo("SUCCEEDED");
      assertThat(report.get("rows").asInt()).isEqualTo(360);
      assertThat(report.get("labelled").asBoolean()).isTrue();
      assertThat(report.get("learnwares"))
          .extracting(JsonNode::asText)
          .containsExactly(owner + "/digits-low@1", owner + "/digits-high@1");
      // fixtures/digits-split.json: 166 and 173 of the 360 test rows alone.
      assertThat(report.at("/single/0/accuracy").asDouble()).isEqualTo(166 / 360.0);
      assertThat(report.at("/single/1/accuracy").asDouble()).isEqualTo(173 / 360.0);
      double bestSingle = 173 / 360.0;
      assertThat(report.at("/mean/accuracy").asDouble()).isGreaterThan(bestSingle + 0.2);
      assertThat(report.at("/vote/accuracy").asDouble()).isGreaterThan(bestSingle + 0.2);
      assertThat(report.at("/selector/accuracy").asDouble()).isGreaterThan(0.85);
      assertThat(report.at("/best/method").asText()).isEqualTo("selector");
      assertThat(
              report.at("/selector/routed/0/rows").asInt()
                  + report.at("/selector/routed/1/rows").asInt())
          .isEqualTo(360);
      int predicted = 0;
      for (JsonNode count : report.at("/selector/predicted")) {
        predicted += count.asInt();
      }
      assertThat(predicted).isEqualTo(360);

      // ...and the client library give the same report.
      try (LearnwareClient client = LearnwareClient.builder(market.uri()).token(token).build()) {
        JobInfo queued =
            client.submit(
                JobRequest.reuse(
                    List.of(
                        LearnwareRef.parse(owner + "/digits-low"),
                        LearnwareRef.parse(owner + "/digits-high")),
                    owner + "/user"));
        JobInfo done = client.watch(queued.id(), JobListener.none());
        assertThat(done.succeeded()).as(done.error()).isTrue();
        assertThat(done.result().report()).isEqualTo(report);
      }
    }
  }

  private static Map<String, Object> reuse(String owner, List<String> sources) {
    return Map.of(
        "type",
        "reuse",
        "source",
        owner + "/digits-low",
        "dataset",
        owner + "/user",
        "params",
        Map.of("sources", sources));
  }

  private static void uploadTestRows(String token, String owner) {
    try (LearnwareClient client = LearnwareClient.builder(market.uri()).token(token).build()) {
      client.uploadDataset(
          owner, "user", Fixtures.path("data/digits-test.csv.gz"), null, TransferListener.none());
    } catch (IOException | io.learnware.client.LearnwareApiException e) {
      throw new AssertionError(e);
    }
  }
}
