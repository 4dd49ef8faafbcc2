package io.learnware.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProtocolClientTest {

  @Test
  void aModelsHugeErrorIsCutBeforeItIsSent() {
    String huge = "y".repeat(1_000_000);

    String sent = ProtocolClient.capped(huge);

    assertThat(sent)
        .startsWith("y".repeat(ProtocolClient.MAX_TEXT))
        .endsWith(" … [cut by the worker: 992000 more characters]")
        .hasSize(
            ProtocolClient.MAX_TEXT + " … [cut by the worker: 992000 more characters]".length());
    assertThat(ProtocolClient.capped("short")).isEqualTo("short");
  }
}
