package io.learnware.market.learnware;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.spec.reuse.EnsembleManifest.Method;
import io.learnware.testing.Ensembles;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A published ensemble being recorded while one of its members is deleted, from two threads at
 * once: by an upload, and by a publishing reuse job's result. Either the ensemble is refused (the
 * job fails) and the member is gone, or the ensemble is recorded and the deletion refused with 409;
 * never an ensemble pinning a deleted version, never a 5xx.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class EnsemblePinRaceTest {

  private static final int ROUNDS = 16;

  @Test
  void anEnsembleAndTheDeletionOfItsMemberNeverBothSucceed() throws Exception {
    Map<String, Integer> outcomes = new TreeMap<>();
    Random random = new Random(14);
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      for (int round = 0; round < ROUNDS; round++) {
        String token = MARKET.newUser("race");
        String owner = MARKET.usernameOf(token);
        half(token, owner, "digits-low");
        half(token, owner, "digits-high");
        MARKET.validateAll();
        boolean byJob = round % 2 == 1;
        String member = random.nextBoolean() ? "digits-low" : "digits-high";
        Callable<Response> publish;
        String job = null;
        if (byJob) {
          job = requestPublishing(token, owner);
          Response claim = claim(job);
          publish = () -> complete(claim, owner);
        } else {
          publish =
              () ->
                  Ensembles.upload(
                      token,
                      owner,
                      "ens",
                      Ensembles.manifest(Method.MEAN, Ensembles.halves(owner)));
        }
        long jitter = random.nextInt(40);
        CountDownLatch start = new CountDownLatch(1);
        Future<Response> published = pool.submit(awaiting(start, 0, publish));
        Future<Response> deleted =
            pool.submit(
                awaiting(
                    start,
                    jitter,
                    () ->
                        given()
                            .auth()
                            .oauth2(token)
                            .delete("/api/v1/learnwares/{o}/{n}/versions/1", owner, member)));
        start.countDown();
        Response ensemble = published.get();
        Response deletion = deleted.get();

        boolean recorded;
        if (byJob) {
          assertThat(ensemble.statusCode()).as(ensemble.asString()).isEqualTo(200);
          String state = ensemble.path("state");
          assertThat(state).isIn("SUCCEEDED", "FAILED");
          recorded = state.equals("SUCCEEDED");
          if (!recorded) {
            assertThat(ensemble.<String>path("error"))
                .contains(owner + "/" + member + "@1 does not exist");
          }
        } else {
          assertThat(ensemble.statusCode()).as(ensemble.asString()).isIn(201, 409);
          recorded = ensemble.statusCode() == 201;
          if (!recorded) {
            assertThat(ensemble.<String>path("detail"))
                .contains(owner + "/" + member + "@1 does not exist");
          }
        }
        String target = byJob ? "digits-low-ensemble" : "ens";
        if (recorded) {
          assertThat(deletion.statusCode()).as(deletion.asString()).isEqualTo(409);
          assertThat(deletion.<String>path("detail"))
              .contains("pinned by the published ensemble " + owner + "/" + target + "@1");
          given()
              .get("/api/v1/learnwares/{o}/{n}/versions/1", owner, member)
              .then()
              .statusCode(200);
          given()
              .get("/api/v1/learnwares/{o}/{n}/versions/1", owner, target)
              .then()
              .statusCode(200)
              .body(
                  "lineage.parents.learnware",
                  org.hamcrest.Matchers.equalTo(
                      List.of(owner + "/digits-low@1", owner + "/digits-high@1")));
        } else {
          assertThat(deletion.statusCode()).as(deletion.asString()).isEqualTo(204);
          given().get("/api/v1/learnwares/{o}/{n}", owner, target).then().statusCode(404);
        }
        outcomes.merge(
            (byJob ? "job result " : "upload ")
                + (recorded ? "recorded, deletion refused" : "refused, member deleted"),
            1,
            Integer::sum);
      }
    }
    // Both orders happen on a quiet machine; only the invariants above are asserted.
    System.out.println("EnsemblePinRaceTest outcomes: " + outcomes);
    assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(ROUNDS);
  }

  private static Callable<Response> awaiting(
      CountDownLatch start, long delayMillis, Callable<Response> action) {
    return () -> {
      start.await();
      if (delayMillis > 0) {
        Thread.sleep(delayMillis);
      }
      return action.call();
    };
  }

  private static void half(String token, String owner, String name) {
    given()
        .auth()
        .oauth2(token)
        .multiPart("spec", "spec.json", Fixtures.bytes(name + "/spec.json"), "application/json")
        .multiPart(
            "model", "model.pt", Fixtures.bytes(name + "/model.pt"), "application/octet-stream")
        .post("/api/v1/learnwares/{owner}/{name}/versions", owner, name)
        .then()
        .statusCode(201);
  }

  private static String requestPublishing(String token, String owner) {
    MARKET.uploadDataset(token, owner, "rows", "data/digits-test.csv.gz");
    return MARKET.requestJob(
        token,
        Map.of(
            "type",
            "reuse",
            "source",
            owner + "/digits-low",
            "dataset",
            owner + "/rows",
            "params",
            Map.of("sources", List.of(owner + "/digits-high"), "publish", "mean")));
  }

  private static Response claim(String job) {
    List<String> others = new ArrayList<>();
    for (Response claim = MARKET.claim("reuse");
        claim.statusCode() == 200;
        claim = MARKET.claim("reuse")) {
      if (job.equals(claim.path("id"))) {
        return claim;
      }
      others.add(claim.path("id"));
    }
    throw new AssertionError("job " + job + " never came up; claimed " + others);
  }

  private static Response complete(Response claim, String owner) {
    return given()
        .auth()
        .oauth2(EmbeddedPostgresResource.WORKER_TOKEN)
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart(
            "report",
            "{\"rows\": 360, \"learnwares\": [\"%1$s/digits-low@1\", \"%1$s/digits-high@1\"]}"
                .formatted(owner))
        .multiPart("spec", Ensembles.spec("Ensemble of the digits halves"))
        .multiPart(
            "model",
            "ensemble.json",
            Ensembles.manifest(Method.MEAN, Ensembles.halves(owner)),
            "application/json")
        .post("/api/v1/worker/jobs/{id}/complete", claim.<String>path("id"));
  }
}
