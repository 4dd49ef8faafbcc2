package io.learnware.market.support;

import io.learnware.market.storage.BlobStore;
import io.learnware.market.storage.S3BlobStore;
import io.learnware.market.storage.StagedFile;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What the market has stored, read straight from the {@code blob} table and the blob store in use
 * (file system or S3), and the data directory's staging.
 */
@ApplicationScoped
public class StoredBlobs {

  private final EntityManager em;
  private final Path dataDir;
  private final BlobStore store;
  private final S3BlobStore s3;

  public StoredBlobs(
      EntityManager em,
      @ConfigProperty(name = "learnware.data-dir") Path dataDir,
      @ConfigProperty(name = "learnware.storage.type") String type,
      BlobStore store,
      @Identifier("s3") Instance<S3BlobStore> s3) {
    this.em = em;
    this.dataDir = dataDir;
    this.store = store;
    this.s3 = type.equals("s3") ? s3.get() : null;
  }

  /** The S3 store when the market uses one. */
  public Optional<S3BlobStore> s3() {
    return Optional.ofNullable(s3);
  }

  public long count() {
    return ((Number) query("SELECT count(*) FROM blob", null)).longValue();
  }

  /** The blob's reference count; 0 when its row is gone. */
  public int refs(String sha256) {
    Object refs = query("SELECT coalesce(sum(refs), 0) FROM blob WHERE sha256 = ?1", sha256);
    return ((Number) refs).intValue();
  }

  /** The size recorded for the blob; -1 when its row is gone. */
  public long size(String sha256) {
    Object size = query("SELECT coalesce(max(size), -1) FROM blob WHERE sha256 = ?1", sha256);
    return ((Number) size).longValue();
  }

  /** How many stored objects hold these bytes (content addressing: 0 or 1). */
  public long files(String sha256) {
    try (Stream<String> hashes = store.hashes()) {
      return hashes.filter(sha256::equals).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Stores bytes without a row, as a crash between a commit and its sweep leaves them: an orphan.
   */
  public void plantOrphan(String sha256, byte[] bytes) {
    try {
      Path staging = dataDir.resolve("tmp/uploads");
      Files.createDirectories(staging);
      Path file = Files.createTempFile(staging, "orphan-", ".part");
      Files.write(file, bytes);
      store.put(new StagedFile("orphan", file, bytes.length, sha256));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Files waiting in the upload staging directory, and on S3 multipart uploads and staging objects
   * that no upload will finish.
   */
  public long stagingFiles() {
    long local = count(dataDir.resolve("tmp/uploads"));
    if (s3 != null) {
      return local + s3.multipartUploads().size() + s3.stagingObjects().size();
    }
    return local;
  }

  private Object query(String sql, String parameter) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              var statement = em.createNativeQuery(sql);
              if (parameter != null) {
                statement.setParameter(1, parameter);
              }
              return statement.getSingleResult();
            });
  }

  private static long count(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> paths = Files.list(dir)) {
      return paths.filter(Files::isRegularFile).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
