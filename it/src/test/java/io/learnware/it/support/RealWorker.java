package io.learnware.market.support;

import io.learnware.worker.runtime.Worker;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/** Real worker nodes (DJL; every job in its own sandbox) in this JVM, on the test market. */
public final class RealWorker {

  private RealWorker() {}

  /** The test market's URL, as a worker reaches it. */
  public static URI server() {
    int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    return URI.create("http://localhost:" + port);
  }

  /**
   * A worker named {@code id} for the given job types, with the test worker token, on the CPU, with
   * a cache of its own; tests add what they vary and build it.
   */
  public static Worker.Builder builder(String id, List<String> types) throws IOException {
    return Worker.builder()
        .setServer(server())
        .setToken(EmbeddedPostgresResource.WORKER_TOKEN)
        .optTypes(types)
        .optDevice("cpu")
        .optWorkerId(id)
        .optCache(Files.createTempDirectory("worker-" + id));
  }
}
