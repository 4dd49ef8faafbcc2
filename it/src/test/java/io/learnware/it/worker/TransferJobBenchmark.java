package io.learnware.it.worker;

import static io.restassured.RestAssured.given;

import io.learnware.it.support.FashionExample;
import io.learnware.it.support.MarketFixture;
import io.learnware.it.support.RealWorker;
import io.learnware.worker.runtime.Worker;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The transfer job end to end on the Fashion-MNIST example: one real worker, jobs requested one
 * after another over HTTP, timed from queued to claimed and to done (the job's own timestamps). Not
 * a test (failsafe skips the name); {@code bench/transfer.sh} runs it.
 */
class TransferJobBenchmark {

  @RegisterExtension static final MarketFixture market = new MarketFixture();

  @Test
  void run() throws Exception {
    String token = market.newUser("transferbench");
    String owner = market.usernameOf(token);
    market.uploadFixture(token, owner, "fashion", "fashion-cnn");
    FashionExample.uploadDataset(token, owner, "new-classes", 200);
    market.validateAll();
    Worker worker = RealWorker.builder(market, "bench", List.of("transfer")).build();
    Thread thread = Thread.ofPlatform().start(worker::run);
    int runs = Integer.getInteger("bench.runs", 3);
    System.out.println(
        "| run | backbone | queued → claimed (ms) | queued → done (s) | fits or epochs (transfer"
            + " / baseline) | validation accuracy | baseline |");
    System.out.println("|---|---|---|---|---|---|---|");
    try {
      for (boolean frozen : List.of(true, false)) {
        for (int run = 1; run <= runs; run++) {
          Thread.sleep(300); // the worker is back in its claim
          String id =
              market.requestJob(
                  token,
                  Map.of(
                      "type", "transfer",
                      "source", owner + "/fashion@1",
                      "dataset", owner + "/new-classes",
                      "target", owner + "/run-" + frozen + "-" + run,
                      "params",
                          Map.of("validationSplit", 0.5, "seed", run, "freezeBackbone", frozen)));
          JsonPath done;
          do {
            Thread.sleep(50);
            done =
                given()
                    .auth()
                    .oauth2(token)
                    .get("/api/v1/jobs/{id}", id)
                    .then()
                    .extract()
                    .jsonPath();
          } while (!List.of("SUCCEEDED", "FAILED").contains(done.getString("state")));
          if (!done.getString("state").equals("SUCCEEDED")) {
            throw new AssertionError(done.prettify());
          }
          Instant created = Instant.parse(done.getString("createdAt"));
          System.out.printf(
              "| %d | %s | %.0f | %.1f | %d / %d | %.3f | %.3f |%n",
              run,
              frozen ? "frozen (solved, 5-fold CV)" : "fine-tuned (hold-out 0.5)",
              Duration.between(created, Instant.parse(done.getString("startedAt"))).toNanos() / 1e6,
              Duration.between(created, Instant.parse(done.getString("finishedAt"))).toNanos()
                  / 1e9,
              frozen
                  ? done.getInt("result.report.solve.fits")
                  : done.getList("result.report.history").size(),
              frozen
                  ? done.getInt("result.report.baselineSolve.fits")
                  : done.getList("result.report.baselineHistory").size(),
              done.getDouble("result.report.accuracy"),
              done.getDouble("result.report.baselineAccuracy"));
        }
      }
    } finally {
      worker.stop();
      thread.join();
    }
  }
}
