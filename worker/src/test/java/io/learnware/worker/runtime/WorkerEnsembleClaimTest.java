package io.learnware.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.reuse.EnsembleManifest;
import io.learnware.worker.EnsembleFixtures;
import io.learnware.worker.job.SourceInputs;
import io.learnware.worker.model.EnsembleLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker claims a validation of a published ensemble from a market (a stand-in speaking the
 * worker protocol): it downloads the source's {@code members} with their specs and models through
 * its checked cache and validates the ensemble with them.
 */
class WorkerEnsembleClaimTest {

  @TempDir Path dir;

  @Test
  void theMembersOfAClaimedEnsembleAreDownloadedAndLoaded() throws Exception {
    List<SourceInputs> halves =
        List.of(EnsembleFixtures.digitsHalf("low"), EnsembleFixtures.digitsHalf("high"));
    EnsembleFixtures.Published ensemble =
        EnsembleFixtures.publish(dir, EnsembleManifest.Method.SELECTOR, halves);
    Map<String, Path> blobs = new ConcurrentHashMap<>();
    ObjectNode source = source("demo/digits-ensemble@1", ensemble.spec(), ensemble.model(), blobs);
    ArrayNode members = source.putArray("members");
    for (SourceInputs half : halves) {
      members.add(source(half.learnware(), half.specDocument(), half.model(), blobs));
    }
    ObjectNode claim = SpecDocuments.mapper().createObjectNode();
    claim.put("id", "job-1").put("leaseId", "lease-1").put("type", "validate");
    claim.put("leaseExpiresAt", Instant.now().plusSeconds(120).toString());
    claim.set("source", source);

    AtomicBoolean claimed = new AtomicBoolean();
    AtomicReference<String> completed = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    HttpServer market = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    market.createContext(
        "/api/v1/worker/claim",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          if (claimed.compareAndSet(false, true)) {
            answer(exchange, 200, claim.toString().getBytes(StandardCharsets.UTF_8));
          } else {
            sleep();
            answer(exchange, 204, null);
          }
        });
    market.createContext(
        "/api/v1/worker/jobs/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String path = exchange.getRequestURI().getPath();
          if (path.endsWith("/complete") || path.endsWith("/fail")) {
            completed.set(path + "\n" + body);
            done.countDown();
          }
          answer(exchange, 200, "{}".getBytes(StandardCharsets.UTF_8));
        });
    market.createContext(
        "/blobs/",
        exchange -> {
          Path file = blobs.get(exchange.getRequestURI().getPath().substring("/blobs/".length()));
          answer(exchange, 200, Files.readAllBytes(file));
        });
    market.start();
    Worker worker =
        Worker.builder()
            .setServer(URI.create("http://127.0.0.1:" + market.getAddress().getPort()))
            .setToken("worker-token")
            .optTypes(List.of("validate"))
            .optDevice("cpu")
            .optCache(dir.resolve("cache"))
            .optInsecureNoSandbox(true)
            .optShutdownGrace(java.time.Duration.ofSeconds(5))
            .build();
    Thread loop = Thread.ofPlatform().start(worker::run);
    try {
      assertThat(done.await(2, TimeUnit.MINUTES)).isTrue();
    } finally {
      worker.stop();
      loop.join();
      market.stop(0);
    }

    assertThat(completed.get()).startsWith("/api/v1/worker/jobs/job-1/complete");
    assertThat(completed.get())
        .contains("\"usable\":true")
        .contains("\"parameters\":4820")
        .contains("\"outputShape\":[64,10]");
    // Every artifact came through the cache, checked by its SHA-256.
    for (String sha256 : blobs.keySet()) {
      assertThat(dir.resolve("cache/blobs").resolve(sha256)).exists();
    }
  }

  /** A version as the claim describes it: its spec and where its model is, by SHA-256. */
  private static ObjectNode source(
      String learnware, JsonNode spec, Path model, Map<String, Path> blobs) throws Exception {
    String sha256 = EnsembleLoader.sha256(model);
    blobs.put(sha256, model);
    ObjectNode source = SpecDocuments.mapper().createObjectNode();
    source.put("learnware", learnware);
    source.set("spec", spec);
    source.putObject("model").put("url", "/blobs/" + sha256).put("sha256", sha256);
    source.putArray("files");
    return source;
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
