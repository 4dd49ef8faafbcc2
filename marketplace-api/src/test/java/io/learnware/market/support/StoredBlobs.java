package io.learnware.market.support;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** What the market has stored, read straight from the {@code blob} table and the data directory. */
@ApplicationScoped
public class StoredBlobs {

  private final EntityManager em;
  private final Path dataDir;

  public StoredBlobs(EntityManager em, @ConfigProperty(name = "learnware.data-dir") Path dataDir) {
    this.em = em;
    this.dataDir = dataDir;
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

  /** How many files in the blob store hold these bytes (content addressing: 0 or 1). */
  public long files(String sha256) {
    return count(dataDir.resolve("blobs"), p -> p.getFileName().toString().equals(sha256), true);
  }

  /** Files waiting in the upload staging directory. */
  public long stagingFiles() {
    return count(dataDir.resolve("tmp/uploads"), p -> true, false);
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

  private static long count(Path dir, Predicate<Path> filter, boolean recursive) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> paths = recursive ? Files.walk(dir) : Files.list(dir)) {
      return paths.filter(Files::isRegularFile).filter(filter).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
