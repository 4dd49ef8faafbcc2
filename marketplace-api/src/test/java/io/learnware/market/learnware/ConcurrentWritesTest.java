package io.learnware.market.learnware;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Uploads, validations, job results, alias moves and deletions on one learnware at once (issue 13):
 * every request ends in a success or a meaningful 4xx, never a 5xx; the versions given out are
 * 1..N, each once; and the learnware stays writable afterwards.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class ConcurrentWritesTest {

  private static final int THREADS = 12;
  private static final int OPERATIONS = 240;

  @Test
  void aMixOfWritesKeepsVersionsContiguousAndTheLearnwareWritable() throws Exception {
    String token = MARKET.newUser("mix");
    String owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "mixed").then().statusCode(201);
    // Validations other test classes left queued would take the race's validations (oldest first),
    // leaving this learnware's versions pending and its job requests refused: clear them first.
    MARKET.validateAll();
    // Several tokens of one user, so that the per-token upload rate limit leaves room for the race.
    List<String> tokens = new ArrayList<>(List.of(token));
    for (int i = 0; i < 5; i++) {
      tokens.add(
          given()
              .auth()
              .oauth2(token)
              .contentType("application/json")
              .body(Map.of("name", "racer-" + i))
              .post("/api/v1/tokens")
              .then()
              .statusCode(201)
              .extract()
              .path("token"));
    }
    Set<Integer> given = ConcurrentHashMap.newKeySet();
    given.add(1);
    Set<Integer> derived = ConcurrentHashMap.newKeySet();
    List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    Random seeds = new Random(13);
    List<Future<?>> done = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
      for (int i = 0; i < OPERATIONS; i++) {
        long seed = seeds.nextLong();
        done.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  int pick = random.nextInt(100);
                  int some = 1 + random.nextInt(Math.max(1, given.size()));
                  if (pick < 50) {
                    Response upload =
                        MARKET.uploadDigits(
                            tokens.get(random.nextInt(tokens.size())), owner, "mixed");
                    if (upload.statusCode() == 201) {
                      given.add(upload.path("version"));
                    } else if (upload.statusCode() != 429) {
                      unexpected.add("upload " + upload.statusCode() + " " + upload.asString());
                    }
                  } else if (pick < 68) {
                    validateOne(unexpected);
                  } else if (pick < 78) {
                    // A job's result is a new version of the same learnware, racing the uploads.
                    expect(
                        given()
                            .auth()
                            .oauth2(token)
                            .contentType("application/json")
                            .body(
                                Map.of(
                                    "type",
                                    "distill",
                                    "source",
                                    owner + "/mixed@" + some,
                                    "target",
                                    owner + "/mixed"))
                            .post("/api/v1/jobs"),
                        "job",
                        unexpected,
                        202,
                        403, // the user's quota of queued jobs
                        404, // deleted meanwhile
                        409, // not (yet) usable
                        429);
                    completeOne(given, derived, unexpected);
                  } else if (pick < 90) {
                    expect(
                        given()
                            .auth()
                            .oauth2(token)
                            .contentType("application/json")
                            .body(Map.of("version", some))
                            .put("/api/v1/learnwares/{o}/mixed/aliases/prod", owner),
                        "alias",
                        unexpected,
                        200,
                        400, // the version was deleted meanwhile: "has no version N"
                        404,
                        409);
                  } else {
                    expect(
                        given()
                            .auth()
                            .oauth2(token)
                            .delete("/api/v1/learnwares/{o}/mixed/versions/{v}", owner, some),
                        "delete",
                        unexpected,
                        204,
                        404,
                        409);
                  }
                  return null;
                }));
      }
    }
    for (Future<?> operation : done) {
      operation.get();
    }

    assertThat(unexpected).isEmpty();
    assertThat(derived).as("versions made by job results").isNotEmpty();
    Set<Integer> expected = new TreeSet<>();
    for (int v = 1; v <= given.size(); v++) {
      expected.add(v);
    }
    assertThat(new TreeSet<>(given)).isEqualTo(expected);
    int next = given.size() + 1;
    MARKET.uploadDigits(token, owner, "mixed").then().statusCode(201);
    assertThat(
            given()
                .get("/api/v1/learnwares/{o}/mixed/versions/{v}", owner, next)
                .then()
                .statusCode(200)
                .extract()
                .<Integer>path("version"))
        .isEqualTo(next);
  }

  /** Claims one validation (of any test's upload) and reports it usable, as a worker would. */
  private static void validateOne(List<String> unexpected) {
    Response claim = MARKET.claim("validate");
    if (claim.statusCode() == 204) {
      return;
    }
    if (claim.statusCode() != 200) {
      unexpected.add("claim " + claim.statusCode() + " " + claim.asString());
      return;
    }
    expect(
        given()
            .auth()
            .oauth2(EmbeddedPostgresResource.WORKER_TOKEN)
            .header("Lease-Id", claim.<String>path("leaseId"))
            .multiPart("report", "{\"usable\": true, \"loads\": true, \"log\": [\"raced\"]}")
            .post("/api/v1/worker/jobs/{id}/complete", claim.<String>path("id")),
        "complete",
        unexpected,
        200,
        409);
  }

  /** Claims one distillation (of any test) and reports a result, as a worker would. */
  private static void completeOne(
      Set<Integer> versions, Set<Integer> derived, List<String> unexpected) {
    Response claim = MARKET.claim("distill");
    if (claim.statusCode() == 204) {
      return;
    }
    if (claim.statusCode() != 200) {
      unexpected.add("claim " + claim.statusCode() + " " + claim.asString());
      return;
    }
    Response done =
        given()
            .auth()
            .oauth2(EmbeddedPostgresResource.WORKER_TOKEN)
            .header("Lease-Id", claim.<String>path("leaseId"))
            .multiPart("report", "{\"fidelity\": 0.9}")
            .multiPart("spec", Fixtures.text(Fixtures.DIGITS_SPEC))
            .multiPart("model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL))
            .multiPart("file", "features.pt", Fixtures.bytes(Fixtures.DIGITS_FEATURES))
            .post("/api/v1/worker/jobs/{id}/complete", claim.<String>path("id"));
    expect(done, "complete", unexpected, 200, 409);
    String result = done.statusCode() == 200 ? done.path("result.learnware") : null;
    if (result != null && result.contains("/mixed@")) {
      int version = Integer.parseInt(result.substring(result.indexOf('@') + 1));
      versions.add(version);
      derived.add(version);
    }
  }

  private static void expect(Response response, String what, List<String> unexpected, int... ok) {
    for (int status : ok) {
      if (response.statusCode() == status) {
        return;
      }
    }
    unexpected.add(what + " " + response.statusCode() + " " + response.asString());
  }
}
