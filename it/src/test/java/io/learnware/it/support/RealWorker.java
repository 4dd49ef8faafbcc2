package io.learnware.it.support;

import io.learnware.worker.runtime.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Real worker nodes (DJL; every job in its own sandbox unless a test says otherwise) on a test
 * market: in this JVM, or in a JVM of their own that a test can kill.
 */
public final class RealWorker {

  private RealWorker() {}

  /** A worker running on a thread of this JVM; closing it stops it as SIGTERM would. */
  public record Running(Worker worker, Thread thread) implements AutoCloseable {
    /** Stops claiming, lets a running job finish within the grace period, then releases it. */
    @Override
    public void close() throws InterruptedException {
      worker.stop();
      thread.join(30_000);
    }
  }

  /**
   * A worker named {@code id} for the given job types, with the market's worker token, on the CPU,
   * with a cache of its own; tests add what they vary and build it.
   */
  public static Worker.Builder builder(MarketFixture market, String id, List<String> types)
      throws IOException {
    return Worker.builder()
        .setServer(market.uri())
        .setToken(market.workerToken())
        .optTypes(types)
        .optDevice("cpu")
        .optWorkerId(id)
        .optCache(Files.createTempDirectory("worker-" + id));
  }

  /** Runs {@code worker} on a thread named {@code worker-id}. */
  public static Running start(String id, Worker worker) {
    return new Running(worker, Thread.ofPlatform().name("worker-" + id).start(worker::run));
  }

  /** A sandboxed worker that a test stops within 5 s (a job still running then is released). */
  public static Running start(MarketFixture market, String id, List<String> types)
      throws IOException {
    return start(id, builder(market, id, types).optShutdownGrace(Duration.ofSeconds(5)).build());
  }

  /**
   * A worker in a JVM of its own (this test's class path; its output in a temporary file), so that
   * a test can kill it.
   */
  public static Process process(MarketFixture market, String id, List<String> types)
      throws IOException {
    Path log = Files.createTempFile("worker-" + id, ".log");
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=1",
            "-D" + Worker.NATIVES_PROPERTY + "=" + System.getProperty(Worker.NATIVES_PROPERTY),
            "-cp",
            System.getProperty("java.class.path"),
            "io.learnware.worker.runtime.WorkerMain",
            "--server",
            market.uri().toString(),
            "--token",
            market.workerToken(),
            "--types",
            String.join(",", types),
            "--device",
            "cpu",
            "--id",
            id,
            "--cache",
            Files.createTempDirectory("worker-" + id).toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
