package io.learnware.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.learnware.spec.SpecDocuments;
import io.learnware.worker.Fixtures;
import io.learnware.worker.model.EnsembleLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A worker with several GPUs runs one job on each at once, each pinned to its GPU, against a
 * stand-in market speaking the worker protocol. This machine has no GPU, so the worker is told it
 * has two and runs the test job type in process: what is checked is the claims, the devices jobs
 * are given and the devices their reports name.
 */
class WorkerDevicesTest {

  @TempDir Path dir;

  @Test
  void aWorkerWithTwoGpusRunsTwoJobsAtOnceEachOnItsOwnGpu() throws Exception {
    Path go = dir.resolve("go");
    String model = EnsembleLoader.sha256(Fixtures.path("digits-mlp/model.pt"));
    List<JsonNode> claims = new CopyOnWriteArrayList<>();
    Map<String, String> completed = new ConcurrentHashMap<>();
    CountDownLatch bothClaimed = new CountDownLatch(2);
    CountDownLatch bothDone = new CountDownLatch(2);
    AtomicInteger handedOut = new AtomicInteger();
    HttpServer market = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    market.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    market.createContext(
        "/api/v1/worker/claim",
        exchange -> {
          JsonNode claim = SpecDocuments.mapper().readTree(exchange.getRequestBody());
          int n = handedOut.incrementAndGet();
          if (n > 2) {
            sleep();
            answer(exchange, 204, null);
            return;
          }
          claims.add(claim);
          bothClaimed.countDown();
          answer(exchange, 200, job("job-" + n, go, model).toString().getBytes());
        });
    market.createContext(
        "/api/v1/worker/jobs/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String path = exchange.getRequestURI().getPath();
          if (path.endsWith("/complete") || path.endsWith("/fail")) {
            completed.put(path, body);
            bothDone.countDown();
          }
          answer(exchange, 200, "{}".getBytes(StandardCharsets.UTF_8));
        });
    market.createContext(
        "/blobs/",
        exchange ->
            answer(exchange, 200, Files.readAllBytes(Fixtures.path("digits-mlp/model.pt"))));
    market.start();
    Worker worker =
        Worker.builder()
            .setServer(URI.create("http://127.0.0.1:" + market.getAddress().getPort()))
            .setToken("worker-token")
            .optTypes(List.of("hostile"))
            .optDevice("gpu")
            .optGpuCount(2)
            .optWorkerId("box")
            .optCache(dir.resolve("cache"))
            .optInsecureNoSandbox(true)
            .optShutdownGrace(Duration.ofSeconds(5))
            .build();
    assertThat(worker.slots()).containsExactly("gpu:0", "gpu:1");
    Thread loop = Thread.ofPlatform().start(worker::run);
    try {
      // Both jobs are claimed while neither can finish: they run at the same time.
      assertThat(bothClaimed.await(2, TimeUnit.MINUTES)).isTrue();
      assertThat(completed).isEmpty();
      Files.createFile(go);
      assertThat(bothDone.await(2, TimeUnit.MINUTES)).isTrue();
    } finally {
      worker.stop();
      loop.join();
      market.stop(0);
    }

    assertThat(claims)
        .extracting(c -> c.get("device").asText() + " " + c.get("workerId").asText())
        .containsExactlyInAnyOrder("gpu:0 box/gpu:0", "gpu:1 box/gpu:1");
    assertThat(completed.keySet())
        .containsExactlyInAnyOrder(
            "/api/v1/worker/jobs/job-1/complete", "/api/v1/worker/jobs/job-2/complete");
    for (String report : completed.values()) {
      // Each job ran on the device of the claim that took it, and its report says so.
      String device = report.contains("\"device\":\"gpu:0\"") ? "gpu:0" : "gpu:1";
      assertThat(report)
          .contains("\"device\":\"" + device + "\"")
          .contains("\"contextDevice\":\"" + device + "\"")
          .contains("\"released\":true");
    }
    assertThat(completed.values())
        .anyMatch(r -> r.contains("\"device\":\"gpu:0\""))
        .anyMatch(r -> r.contains("\"device\":\"gpu:1\""));
  }

  @Test
  void askingForAGpuOnAMachineWithoutOneIsAnErrorAtStart() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    int status;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      status =
          new CommandLine(new WorkerMain())
              .execute(
                  "--token",
                  "lww_x",
                  "--device",
                  "gpu",
                  "--cache",
                  dir.resolve("cache").toString(),
                  "--server",
                  "http://127.0.0.1:9");
    } finally {
      System.setErr(saved);
    }

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("error: device 'gpu' was requested but the PyTorch engine sees no GPU")
        .contains("bin/worker --gpu");
  }

  @Test
  void devicesAndGpusThatDoNotFitAreRefusedByTheBuilder() {
    assertThatThrownBy(() -> builder().optDevice("gpu:2").optGpuCount(2).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'gpu:2': the PyTorch engine sees GPUs 0 to 1 only");
    assertThatThrownBy(() -> builder().optDevice("cpu").optGpus("0").build())
        .hasMessage("--gpus cannot be used with --device cpu");
    assertThat(builder().optDevice("auto").optGpus("1").optGpuCount(2).build().slots())
        .containsExactly("gpu:1");
    assertThat(builder().optDevice("auto").build().slots()).containsExactly("cpu");
  }

  private Worker.Builder builder() {
    return Worker.builder()
        .setServer(URI.create("http://127.0.0.1:9"))
        .setToken("worker-token")
        .optTypes(List.of("hostile"))
        .optCache(dir.resolve("cache"))
        .optInsecureNoSandbox(true);
  }

  private static ObjectNode job(String id, Path go, String model) throws IOException {
    ObjectNode claim = SpecDocuments.mapper().createObjectNode();
    claim.put("id", id).put("leaseId", "lease-" + id).put("type", "hostile");
    claim.put("leaseExpiresAt", Instant.now().plusSeconds(120).toString());
    claim.putObject("params").put("awaitFile", go.toString());
    ObjectNode source = claim.putObject("source");
    source.put("learnware", "demo/net@1");
    source.set("spec", Fixtures.json("digits-mlp/spec.json"));
    source.putObject("model").put("url", "/blobs/" + model).put("sha256", model);
    source.putArray("files");
    return claim;
  }

  private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
    if (body != null) {
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
