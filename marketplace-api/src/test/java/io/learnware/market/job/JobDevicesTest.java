package io.learnware.market.job;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Jobs that ask for a GPU go to GPU workers only; every job says which device ran it. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class JobDevicesTest {

  private String token;
  private String owner;

  @BeforeEach
  void aUsableLearnware() {
    token = MARKET.newUser("devices");
    owner = MARKET.usernameOf(token);
    MARKET.uploadDigits(token, owner, "net").then().statusCode(201);
    MARKET.validateAll();
  }

  private String robustness(Object device) {
    return MARKET.requestJob(token, robustnessRequest(Map.of("device", device)));
  }

  /** A robustness job on the digits test set, with {@code more} params. */
  private Map<String, Object> robustnessRequest(Map<String, Object> more) {
    Map<String, Object> params = new java.util.HashMap<>(more);
    params.put("benchmark", "digits-test");
    return Map.of("type", "robustness", "source", owner + "/net", "params", params);
  }

  private static Response claim(String device) {
    return given()
        .auth()
        .oauth2(MARKET.workerToken())
        .contentType("application/json")
        .body(Map.of("workerId", "box-" + device, "types", List.of("robustness"), "device", device))
        .post("/api/v1/worker/claim");
  }

  /** Claims on {@code device} until none is left, failing jobs other tests left queued. */
  private static List<String> drain(String device) {
    List<String> ids = new java.util.ArrayList<>();
    for (Response c = claim(device); c.statusCode() == 200; c = claim(device)) {
      ids.add(c.path("id"));
      given()
          .auth()
          .oauth2(MARKET.workerToken())
          .header("Lease-Id", c.<String>path("leaseId"))
          .contentType("application/json")
          .body(Map.of("error", "drained by JobDevicesTest", "retryable", false))
          .post("/api/v1/worker/jobs/{id}/fail", c.<String>path("id"))
          .then()
          .statusCode(200);
    }
    return ids;
  }

  @Test
  void aJobForAGpuIsClaimedOnlyByAGpuWorkerAndSaysWhichGpuRanIt() {
    String gpuJob = robustness("gpu");

    assertThat(drain("cpu")).doesNotContain(gpuJob);
    Response claimed = claim("gpu:1");

    assertThat(claimed.statusCode()).isEqualTo(200);
    assertThat(claimed.<String>path("id")).isEqualTo(gpuJob);
    // The handler gets the job's own parameters; where it runs is the market's business.
    assertThat(claimed.<Map<String, Object>>path("params"))
        .isEqualTo(Map.of("benchmark", "digits-test"));
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/jobs/{id}", gpuJob)
        .then()
        .statusCode(200)
        .body("device", equalTo("gpu"))
        .body("workerDevice", equalTo("gpu:1"))
        .body("params.device", nullValue())
        .body("message", equalTo("running on box-gpu:1 (gpu:1, attempt 1)"));
  }

  @Test
  void aJobForACpuIsLeftToCpuWorkersAndOneForAnyDeviceGoesToAGpuToo() {
    String cpuJob = robustness("cpu");
    drain("gpu:0").forEach(id -> assertThat(id).isNotEqualTo(cpuJob));

    Response claimed = claim("cpu");
    assertThat(claimed.<String>path("id")).isEqualTo(cpuJob);

    String anyJob = MARKET.requestJob(token, robustnessRequest(Map.of()));
    Response onGpu = claim("gpu:0");
    assertThat(onGpu.<String>path("id")).isEqualTo(anyJob);
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/jobs/{id}", anyJob)
        .then()
        .body("device", nullValue())
        .body("workerDevice", equalTo("gpu:0"));
  }

  @Test
  void anUnknownDeviceIsRefusedWithItsPointer() {
    MARKET
        .postJob(token, robustnessRequest(Map.of("device", "tpu")))
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/params/device"))
        .body("violations[0].message", equalTo("must be cpu or gpu (omit it for any worker)"));
    MARKET
        .postJob(token, robustnessRequest(Map.of("device", 1)))
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/params/device"));
    claim("quantum")
        .then()
        .statusCode(400)
        .body("violations[0].pointer", equalTo("/device"))
        .body("violations[0].message", equalTo("must be cpu or gpu:N"));
  }
}
