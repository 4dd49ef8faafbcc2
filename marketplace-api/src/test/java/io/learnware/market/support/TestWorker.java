package io.learnware.market.support;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Acts as a worker node over the real worker protocol, for API tests that need validated versions
 * without running DJL: it claims {@code validate} jobs and reports a verdict.
 */
public final class TestWorker {

  private TestWorker() {}

  /** Claims every queued validation and reports it usable; returns the job ids. */
  public static List<String> validateAll() {
    List<String> done = new ArrayList<>();
    for (Response claim = claim("validate"); claim.statusCode() == 200; claim = claim("validate")) {
      String id = claim.path("id");
      given()
          .auth()
          .oauth2(EmbeddedPostgresResource.WORKER_TOKEN)
          .header("Lease-Id", claim.<String>path("leaseId"))
          .multiPart(
              "report",
              "{\"usable\": true, \"loads\": true, \"log\": [\"accepted by the test worker\"]}")
          .post("/api/v1/worker/jobs/{id}/complete", id)
          .then()
          .statusCode(200);
      done.add(id);
    }
    return done;
  }

  /** One claim of the given job types, as a worker named {@code test-worker}. */
  public static Response claim(String... types) {
    return given()
        .auth()
        .oauth2(EmbeddedPostgresResource.WORKER_TOKEN)
        .contentType("application/json")
        .body(Map.of("workerId", "test-worker", "types", List.of(types), "device", "cpu"))
        .post("/api/v1/worker/claim");
  }
}
