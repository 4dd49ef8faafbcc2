package io.learnware.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.cli.FakeMarket.Answer;
import io.learnware.spec.SpecDocuments;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code transfer} and {@code distill} against {@link FakeMarket}: the jobs they ask for. */
class TransferCommandTest {

  private static final String ID = "0b5e1e2c-7a35-4c3f-9d1e-1a2b3c4d5e6f";

  private final FakeMarket market = new FakeMarket();

  @AfterEach
  void stop() {
    market.close();
  }

  private String submit(String... args) throws IOException {
    market.on(
        "POST",
        "/api/v1/jobs",
        Answer.json(
            202,
            """
            {"id": "%s", "type": "%s", "state": "QUEUED", "progress": 0, "attempts": 0,
             "source": "demo/diabetes@1"}"""
                .formatted(ID, args[0])));
    List<String> all = new ArrayList<>(List.of(args));
    all.add(1, "--server=" + market.url());
    CliRun run = CliRun.run(all.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isZero();
    return SpecDocuments.mapper().readTree(market.received().getLast().body()).toString();
  }

  @Test
  void transferToARegressionTaskWithTheTargetsName() throws IOException {
    assertThat(
            submit(
                "transfer",
                "demo/diabetes",
                "--token",
                "t",
                "--dataset",
                "me/diabetes-train",
                "--task",
                "regression",
                "--labels",
                "progression"))
        .isEqualTo(
            "{\"type\":\"transfer\",\"source\":\"demo/diabetes@latest\","
                + "\"dataset\":\"me/diabetes-train\","
                + "\"params\":{\"task\":\"regression\",\"labels\":[\"progression\"]}}");
    assertThat(
            submit(
                "transfer",
                "demo/fashion",
                "--token",
                "t",
                "--dataset",
                "me/new-classes",
                "--labels",
                "Sandal,Shirt",
                "--head-hidden",
                "0"))
        .isEqualTo(
            "{\"type\":\"transfer\",\"source\":\"demo/fashion@latest\","
                + "\"dataset\":\"me/new-classes\","
                + "\"params\":{\"labels\":[\"Sandal\",\"Shirt\"],\"head\":{\"hidden\":0}}}");
  }

  @Test
  void aJobCanAskForAGpuWorker() throws IOException {
    assertThat(
            submit("distill", "demo/diabetes", "--token", "t", "--epochs", "10", "--device", "gpu"))
        .isEqualTo(
            "{\"type\":\"distill\",\"source\":\"demo/diabetes@latest\","
                + "\"params\":{\"epochs\":10,\"device\":\"gpu\"}}");
    List<String> all =
        List.of("distill", "--server=" + market.url(), "demo/diabetes", "--device", "tpu");
    CliRun run = CliRun.run(all.toArray(String[]::new));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--device: must be cpu or gpu");
  }

  @Test
  void distilARegressorIntoTrees() throws IOException {
    assertThat(
            submit(
                "distill",
                "demo/diabetes",
                "--token",
                "t",
                "--trees",
                "100",
                "--max-depth",
                "2",
                "--learning-rate",
                "0.1"))
        .isEqualTo(
            "{\"type\":\"distill\",\"source\":\"demo/diabetes@latest\","
                + "\"params\":{\"student\":{\"type\":\"gbdt\",\"trees\":100,\"maxDepth\":2},"
                + "\"learningRate\":0.1}}");
  }
}
