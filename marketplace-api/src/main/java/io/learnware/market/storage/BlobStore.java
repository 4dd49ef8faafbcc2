package io.learnware.market.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where artifact bytes live, addressed by their SHA-256. Implementations are CDI beans qualified
 * with {@code @Identifier("<type>")} and chosen by {@code learnware.storage.type}; {@link
 * StorageService} owns the bookkeeping (the {@code blob} table), so a store only moves bytes.
 */
public interface BlobStore {

  /**
   * Takes ownership of a fully written local file whose content hashes to {@code sha256}. The file
   * is moved, not copied, where the store allows it; if the blob is already stored the file is
   * simply deleted.
   */
  void put(String sha256, Path file) throws IOException;

  /** Opens the blob for reading. */
  InputStream open(String sha256) throws IOException;

  /**
   * A local file holding the blob, when the store has one: lets downloads use zero-copy transfer.
   */
  Optional<Path> localFile(String sha256);

  /** Removes the blob if present; returns whether something was removed. */
  boolean delete(String sha256) throws IOException;

  /** The hash of every stored blob, in no particular order; close the stream. */
  Stream<String> hashes() throws IOException;
}
