package io.learnware.market.storage;

import io.learnware.market.MarketConfig;
import io.smallrye.common.annotation.Identifier;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Blobs as files under {@code <data dir>/blobs/ab/cd/<sha256>}: two levels keep directories small.
 */
@ApplicationScoped
@Identifier("filesystem")
public class FilesystemBlobStore implements BlobStore {

  private final Path root;

  public FilesystemBlobStore(MarketConfig config) {
    this.root = rootIn(config.dataDir()).toAbsolutePath().normalize();
  }

  /** Where the blobs of a data directory live; backups keep theirs in the same layout. */
  public static Path rootIn(Path directory) {
    return directory.resolve("blobs");
  }

  /** The file of a blob under {@code root}. */
  public static Path pathIn(Path root, String sha256) {
    if (!Sha256.isHex(sha256)) {
      throw new IllegalArgumentException("not a SHA-256 hex digest: " + sha256);
    }
    return root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
  }

  // Routes are registered before the server listens: no put is running yet.
  void removeInterruptedPuts(@Observes Router router) throws IOException {
    if (Files.isDirectory(root)) {
      try (Stream<Path> partials =
          Files.find(root, 3, (path, attributes) -> path.toString().endsWith(".partial"))) {
        for (Path partial : partials.toList()) {
          Files.deleteIfExists(partial);
        }
      }
    }
  }

  @Override
  public void put(StagedFile staged) throws IOException {
    String sha256 = staged.sha256();
    Path file = staged.path();
    Path target = pathOf(sha256);
    if (Files.exists(target)) {
      Files.deleteIfExists(file);
      return;
    }
    Files.createDirectories(target.getParent());
    try {
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
      durable(target);
    } catch (AtomicMoveNotSupportedException e) {
      // Another file system: copy beside the target first, so readers never see a partial blob.
      Path partial = target.resolveSibling(sha256 + "." + UUID.randomUUID() + ".partial");
      try {
        Files.copy(file, partial);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        durable(target);
      } catch (FileAlreadyExistsException raced) {
        Files.deleteIfExists(partial);
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * The database commits a blob's row with fsync; its bytes and their directory entries must be on
   * disk first, or a power cut could leave an acknowledged row without its file.
   */
  private void durable(Path target) throws IOException {
    Fsync.force(target);
    for (Path directory = target.getParent();
        directory.startsWith(root);
        directory = directory.getParent()) {
      Fsync.force(directory);
    }
  }

  @Override
  public InputStream open(String sha256) throws IOException {
    return Files.newInputStream(pathOf(sha256));
  }

  @Override
  public Optional<Path> localFile(String sha256) {
    Path path = pathOf(sha256);
    return Files.exists(path) ? Optional.of(path) : Optional.empty();
  }

  @Override
  public boolean delete(String sha256) throws IOException {
    return Files.deleteIfExists(pathOf(sha256));
  }

  /** Files named by a hash, two levels down; partial copies of {@link #put} are not blobs yet. */
  @Override
  public Stream<String> hashes() throws IOException {
    if (!Files.isDirectory(root)) {
      return Stream.empty();
    }
    return Files.find(root, 3, (path, attributes) -> attributes.isRegularFile())
        .map(path -> path.getFileName().toString())
        .filter(Sha256::isHex);
  }

  private Path pathOf(String sha256) {
    return pathIn(root, sha256);
  }
}
