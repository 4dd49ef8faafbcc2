package io.learnware.market.storage;

import io.learnware.market.MarketConfig;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The data directory's {@code tmp}: parts of requests in progress (the upload staging of {@link
 * StagingFile} and {@link ResultStaging}, and the REST layer's multipart files). Whatever is there
 * at start was left by a crash mid-request and belongs to no request any more: nothing else would
 * remove it.
 */
@ApplicationScoped
public class TemporaryFiles {

  private final Path root;

  public TemporaryFiles(MarketConfig config) {
    this.root = config.dataDir().resolve("tmp").toAbsolutePath();
  }

  /** The staging directory of uploads. */
  public Path uploads() {
    return root.resolve("uploads");
  }

  // Routes are registered before the server listens: the first request finds tmp empty.
  void removeLeftovers(@Observes Router router) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(root)) {
      for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
        if (!path.equals(root)) {
          Files.deleteIfExists(path);
        }
      }
    }
  }
}
