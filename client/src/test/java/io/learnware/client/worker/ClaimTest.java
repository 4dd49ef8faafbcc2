package io.learnware.client.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A claim of a reuse job as the market writes it (JobDtos.ClaimedJob: nulls left out). */
  @Test
  void aClaimReadsAsTheMarketWritesIt() throws Exception {
    String written =
        """
        {"id":"4c1f3a52-9d2e-4b7a-8f60-0c1d2e3f4a5b","leaseId":"0b7e1c9a-1111-4b7a-8f60-0c1d2e3f4a5b",\
        "leaseExpiresAt":"2026-05-01T10:15:30.123456Z","attempt":2,"type":"reuse",\
        "params":{"method":"mean","learnwares":["demo/b@1"]},\
        "source":{"learnware":"demo/a@3","spec":{"specVersion":1,"name":"a"},\
        "model":{"filename":null,"url":"/api/v1/worker/jobs/j/inputs/aa","sha256":"aa","size":12},\
        "files":[{"filename":"features.pt","url":"/api/v1/worker/jobs/j/inputs/bb","sha256":"bb","size":5}]},\
        "dataset":{"name":"demo/digits","format":"csv",\
        "data":{"filename":"digits.csv","url":"/api/v1/worker/jobs/j/inputs/cc","sha256":"cc","size":7}},\
        "sources":[{"learnware":"demo/b@1","spec":{"name":"b"},\
        "model":{"filename":null,"url":"/api/v1/worker/jobs/j/inputs/dd","sha256":"dd","size":9},\
        "files":[],"members":[]}],"laterField":true}
        """;

    Claim claim = JSON.readValue(written, Claim.class);

    assertThat(claim.id()).isEqualTo("4c1f3a52-9d2e-4b7a-8f60-0c1d2e3f4a5b");
    assertThat(claim.leaseExpiresAt()).isEqualTo("2026-05-01T10:15:30.123456Z");
    assertThat(claim.attempt()).isEqualTo(2);
    assertThat(claim.params().path("learnwares").get(0).asText()).isEqualTo("demo/b@1");
    assertThat(claim.source().spec().path("name").asText()).isEqualTo("a");
    assertThat(claim.source().model())
        .isEqualTo(new Claim.Artifact(null, "/api/v1/worker/jobs/j/inputs/aa", "aa", 12));
    assertThat(claim.source().files())
        .extracting(Claim.Artifact::filename)
        .containsExactly("features.pt");
    // Absent lists read as empty; absent objects as null.
    assertThat(claim.source().members()).isEmpty();
    assertThat(claim.dataset().labels()).isNull();
    assertThat(claim.dataset().data().sha256()).isEqualTo("cc");
    assertThat(claim.sources()).extracting(Claim.Source::learnware).containsExactly("demo/b@1");
  }

  @Test
  void aClaimOfAnotherTypeHasNoSourcesNorDataset() throws Exception {
    Claim claim =
        JSON.readValue(
            """
            {"id":"j","leaseId":"l","leaseExpiresAt":"2026-05-01T10:15:30Z","attempt":1,\
            "type":"validate","source":{"learnware":"demo/a@1","spec":{},\
            "model":{"filename":null,"url":"/m","sha256":"aa","size":1},"files":[]}}
            """,
            Claim.class);

    assertThat(claim.sources()).isNull();
    assertThat(claim.dataset()).isNull();
    assertThat(claim.params()).isNull();
  }

  @Test
  void whatAWorkerSendsHasTheProtocolsNames() throws Exception {
    assertThat(JSON.readTree(JSON.writeValueAsString(new Heartbeat(0.25, "epoch 3"))))
        .isEqualTo(JSON.readTree("{\"progress\":0.25,\"message\":\"epoch 3\"}"));
    assertThat(JSON.readTree(JSON.writeValueAsString(new Failure("no memory", true))))
        .isEqualTo(JSON.readTree("{\"error\":\"no memory\",\"retryable\":true}"));
    assertThat(
            JSON.readTree(
                JSON.writeValueAsString(
                    new ClaimRequest("w-1", List.of("validate", "distill"), "cpu"))))
        .isEqualTo(
            JSON.readTree(
                "{\"workerId\":\"w-1\",\"types\":[\"validate\",\"distill\"],\"device\":\"cpu\"}"));
  }
}
