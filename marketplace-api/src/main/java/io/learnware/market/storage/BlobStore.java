package io.learnware.market.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
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
   * Takes ownership of a staged file whose content hashes to {@code staged.sha256()}: the file is
   * moved (or sent, and then deleted), and so is what {@link #receive} already sent of it. If the
   * blob is already stored the staged bytes are simply dropped.
   */
  void put(StagedFile staged) throws IOException;

  /** Opens the blob for reading. */
  InputStream open(String sha256) throws IOException;

  /**
   * A local file holding the blob, when the store has one: lets downloads use zero-copy transfer.
   */
  Optional<Path> localFile(String sha256);

  /**
   * Where a client may fetch the blob itself, when the store is configured to hand out such links.
   */
  default Optional<URI> downloadLink(String sha256, String filename) {
    return Optional.empty();
  }

  /** Removes the blob if present; returns whether something was removed. */
  boolean delete(String sha256) throws IOException;

  /** The hash of every stored blob, in no particular order; close the stream. */
  Stream<String> hashes() throws IOException;

  /**
   * Starts sending a file's bytes to the store while it is being staged, before its hash is known,
   * or empty when {@link #put} copies the staged file itself (as a local store moves it).
   */
  default Optional<Incoming> receive() {
    return Optional.empty();
  }

  /**
   * Removes what interrupted uploads left in the store (not blobs), as the orphan sweep runs;
   * returns how many were removed.
   */
  default int removeAbandonedUploads() throws IOException {
    return 0;
  }

  /** What keeps the store from serving, in words; empty when it is reachable. */
  default Optional<String> unreachable() {
    return Optional.empty();
  }

  /**
   * Bytes on their way to the store while a file is staged. Called by one thread at a time, in
   * order; {@link #discard} may come from any thread.
   */
  interface Incoming {

    /** Sends the next bytes; may block while earlier ones are sent (the caller's back-pressure). */
    void write(ByteBuffer bytes) throws IOException;

    /** All bytes were written. */
    void finish() throws IOException;

    /**
     * Drops what was sent, in the background; does nothing once {@link #put} has taken it. A failed
     * or abandoned upload must call this.
     */
    void discard();
  }
}
