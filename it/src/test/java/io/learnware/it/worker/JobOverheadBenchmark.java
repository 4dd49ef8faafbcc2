package io.learnware.it.worker;

import static io.restassured.RestAssured.given;

import io.learnware.it.support.MarketFixture;
import io.learnware.it.support.RealWorker;
import io.learnware.worker.runtime.Worker;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Overhead from "job queued" to "a worker runs it" with an idle worker: {@code startedAt −
 * createdAt} of 30 validate jobs requested one after another, each waiting for the previous one to
 * finish, so that the worker is idle and waiting in its claim when each is queued; once with a
 * worker that runs them in its own process (the reference) and once with a sandboxed one, as every
 * worker is by default. Not a test (failsafe skips the name); {@code bench/job-overhead.sh} runs
 * it.
 */
class JobOverheadBenchmark {

  @RegisterExtension static final MarketFixture market = new MarketFixture();

  @Test
  void run() throws Exception {
    String token = market.newUser("overhead");
    String owner = market.usernameOf(token);
    market.uploadDigits(token, owner, "digits").then().statusCode(201);
    market.validateAll();
    int jobs = Integer.getInteger("bench.jobs", 30);
    double[][] inProcess = measure(token, owner, jobs, false);
    double[][] sandboxed = measure(token, owner, jobs, true);
    System.out.println();
    System.out.println("| measure (ms, " + jobs + " jobs each) | p50 | p90 | max |");
    System.out.println("| --- | ---: | ---: | ---: |");
    row("queued -> claimed by the idle worker (in process)", inProcess[0]);
    row("queued -> validation finished (in process, reference)", inProcess[1]);
    row("queued -> claimed by the idle worker (sandboxed)", sandboxed[0]);
    row("queued -> validation finished (sandboxed)", sandboxed[1]);
  }

  private static void row(String name, double[] ms) {
    Arrays.sort(ms);
    int n = ms.length;
    System.out.printf("| %s | %.1f | %.1f | %.1f |%n", name, ms[n / 2], ms[n * 9 / 10], ms[n - 1]);
  }

  /** Claim and total times of {@code jobs} validations, one at a time, by one idle worker. */
  private static double[][] measure(String token, String owner, int jobs, boolean sandboxed)
      throws Exception {
    Worker worker =
        RealWorker.builder(
                market, sandboxed ? "idle-sandboxed" : "idle-in-process", List.of("validate"))
            .optInsecureNoSandbox(!sandboxed)
            .build();
    Thread thread = Thread.ofPlatform().start(worker::run);
    double[] claimMs = new double[jobs];
    double[] totalMs = new double[jobs];
    try {
      for (int i = 0; i < jobs; i++) {
        Thread.sleep(300); // the worker is back in its claim
        String id =
            market.requestJob(token, Map.of("type", "validate", "source", owner + "/digits@1"));
        JsonPath done;
        do {
          Thread.sleep(20);
          done =
              given().auth().oauth2(token).get("/api/v1/jobs/{id}", id).then().extract().jsonPath();
        } while (!done.getString("state").equals("SUCCEEDED"));
        Instant created = Instant.parse(done.getString("createdAt"));
        claimMs[i] =
            Duration.between(created, Instant.parse(done.getString("startedAt"))).toNanos() / 1e6;
        totalMs[i] =
            Duration.between(created, Instant.parse(done.getString("finishedAt"))).toNanos() / 1e6;
      }
    } finally {
      worker.stop();
      thread.join();
    }
    return new double[][] {claimMs, totalMs};
  }
}
