package io.learnware.it.cluster;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.it.support.MarketCluster;
import io.learnware.it.support.MarketFixture;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.rkme.RealData;
import io.learnware.spec.rkme.Rkme;
import io.learnware.testing.Fixtures;
import io.restassured.response.Response;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cross-instance visibility latency on two packaged API instances sharing one PostgreSQL: the time
 * from a write acknowledged by instance A (an upload; a validation verdict a worker reports) to the
 * first answer of instance B that shows it, by statistical search and by listing. B is asked in a
 * tight loop, so each sample includes up to one request's time. Not a test (failsafe skips the
 * name); {@code bench/coherence.sh} runs it.
 */
class CoherenceBenchmark {

  // It measures the market, not its abuse limits: B is asked in a tight loop.
  @RegisterExtension
  static final MarketCluster cluster =
      new MarketCluster(
          2,
          Map.of(
              "LEARNWARE_LIMITS_RATE_SEARCHES_CAPACITY", "1000000000",
              "LEARNWARE_LIMITS_RATE_SEARCHES_PER_MINUTE", "1000000000",
              "LEARNWARE_LIMITS_RATE_UPLOADS_CAPACITY", "1000000000",
              "LEARNWARE_LIMITS_RATE_UPLOADS_PER_MINUTE", "1000000000"));

  private static final ObjectNode DIGITS_RKME =
      SpecDocuments.mapper()
          .valueToTree(Rkme.builder().setData(RealData.digits().x()).build().toSpec());

  @Test
  void run() throws Exception {
    MarketFixture a = cluster.instance(0);
    MarketFixture b = cluster.instance(1);
    int samples = Integer.getInteger("bench.samples", 100);
    String token = a.newUser("coherence");
    String owner = a.usernameOf(token);
    double[][] ms = new double[6][samples];
    for (int i = 0; i < samples; i++) {
      String name = "lw-" + i;
      String ref = owner + "/" + name + "@1";
      long uploaded = upload(a, token, owner, name);
      ms[0][i] = millisUntil(0, uploaded, () -> found(b, token, owner, "PENDING").contains(ref));
      ms[1][i] = millisUntil(1, uploaded, () -> listed(b, token, owner, name, "PENDING"));
      long validated = validateOne(a);
      ms[2][i] = millisUntil(2, validated, () -> found(b, token, owner, null).contains(ref));
      ms[3][i] = millisUntil(3, validated, () -> listed(b, token, owner, name, null));
      // The reference: one answer of B, which bounds how finely the loop above sees the change.
      long asked = System.nanoTime();
      found(b, token, owner, null);
      ms[4][i] = (System.nanoTime() - asked) / 1e6;
      asked = System.nanoTime();
      listed(b, token, owner, name, null);
      ms[5][i] = (System.nanoTime() - asked) / 1e6;
    }
    System.out.println();
    System.out.println(
        "| through A → seen through B (ms, "
            + samples
            + " samples) | p50 | p99 | max | shown by B's first answer |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    row("upload → statistical search (PENDING)", ms[0], FIRST_ANSWER[0] + "/" + samples);
    row("upload → listing (PENDING)", ms[1], FIRST_ANSWER[1] + "/" + samples);
    row("validation verdict → statistical search", ms[2], FIRST_ANSWER[2] + "/" + samples);
    row("validation verdict → listing", ms[3], FIRST_ANSWER[3] + "/" + samples);
    row("one statistical search through B (reference)", ms[4], "");
    row("one listing through B (reference)", ms[5], "");
  }

  private static void row(String name, double[] ms, String firstAnswer) {
    Arrays.sort(ms);
    int n = ms.length;
    System.out.printf(
        "| %s | %.1f | %.1f | %.1f | %s |%n",
        name,
        ms[n / 2],
        ms[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)],
        ms[n - 1],
        firstAnswer);
  }

  /** Uploads through {@code market}; returns when its answer arrived (nanoTime). */
  private static long upload(MarketFixture market, String token, String owner, String name) {
    ObjectNode spec = Fixtures.json(Fixtures.text(Fixtures.DIGITS_SPEC));
    spec.set("statistical", DIGITS_RKME);
    given()
        .port(market.port())
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", spec.toString().getBytes(), "application/json")
        .multiPart("model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL))
        .multiPart("file", "features.pt", Fixtures.bytes(Fixtures.DIGITS_FEATURES))
        .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name)
        .then()
        .statusCode(201);
    return System.nanoTime();
  }

  /**
   * Claims the queued validation through {@code market} and reports it usable, as a worker that
   * runs no model would; returns when the report's answer arrived (nanoTime).
   */
  private static long validateOne(MarketFixture market) {
    Response claim =
        given()
            .port(market.port())
            .auth()
            .oauth2(market.workerToken())
            .contentType("application/json")
            .body(Map.of("workerId", "bench", "types", List.of("validate"), "device", "cpu"))
            .post("/api/v1/worker/claim");
    claim.then().statusCode(200);
    given()
        .port(market.port())
        .auth()
        .oauth2(market.workerToken())
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart("report", "{\"usable\": true, \"loads\": true, \"log\": [\"benchmark\"]}")
        .post("/api/v1/worker/jobs/{id}/complete", claim.<String>path("id"))
        .then()
        .statusCode(200);
    return System.nanoTime();
  }

  /** Samples whose first answer of B already showed the write. */
  private static final int[] FIRST_ANSWER = new int[4];

  private static double millisUntil(int measure, long since, BooleanSupplier seen) {
    if (seen.getAsBoolean()) {
      FIRST_ANSWER[measure]++;
      return (System.nanoTime() - since) / 1e6;
    }
    while (!seen.getAsBoolean()) {
      if (System.nanoTime() - since > 60_000_000_000L) {
        throw new AssertionError("not seen through the other instance in 60 s");
      }
    }
    return (System.nanoTime() - since) / 1e6;
  }

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

  private static boolean listed(
      MarketFixture market, String token, String owner, String name, String state) {
    var request = given().port(market.port()).auth().oauth2(token).queryParam("owner", owner);
    if (state != null) {
      request = request.queryParam("state", state);
    }
    List<String> names =
        request.get("/api/v1/learnwares").then().statusCode(200).extract().path("items.name");
    return names.contains(name);
  }
}
