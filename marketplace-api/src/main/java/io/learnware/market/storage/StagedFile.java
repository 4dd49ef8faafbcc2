package io.learnware.market.storage;

import java.nio.file.Path;

/**
 * A received file (a form part) written to the staging directory, with the SHA-256 of its bytes:
 * what the blob store moves in when a write commits.
 *
 * @param filename the file name the client gave the part
 * @param sent what the blob store already received of it while it was staged; null when nothing
 */
public record StagedFile(
    String filename, Path path, long size, String sha256, BlobStore.Incoming sent) {

  /** A staged file of which the store has received nothing yet. */
  public StagedFile(String filename, Path path, long size, String sha256) {
    this(filename, path, size, sha256, null);
  }

  /** Drops what the store received of a file that will not be stored. */
  public void discardSent() {
    if (sent != null) {
      sent.discard();
    }
  }
}
