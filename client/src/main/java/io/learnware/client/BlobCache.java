package io.learnware.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * Downloaded artifacts by SHA-256, under {@code <dir>/blobs/<sha256>}: the client's pulls and the
 * worker's job inputs. Entries are only ever added complete and verified (downloads land in a
 * temporary file first and are checked against their SHA-256 before {@link #add}); a copy out of
 * the cache checks the hash again, so a damaged entry is noticed and replaced rather than handed
 * on.
 */
public final class BlobCache {

  private final Path blobs;

  public BlobCache(Path directory) {
    this.blobs = directory.resolve("blobs");
  }

  /**
   * {@code $LEARNWARE_CACHE}, else {@code $XDG_CACHE_HOME/learnware}, else {@code
   * ~/.cache/learnware}.
   */
  static Path defaultDirectory(Map<String, String> env, String userHome) {
    String explicit = env.get("LEARNWARE_CACHE");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = env.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "learnware");
    }
    return Path.of(userHome, ".cache", "learnware");
  }

  public Optional<Path> find(String sha256) {
    Path blob = blobs.resolve(sha256);
    return Files.isRegularFile(blob) ? Optional.of(blob) : Optional.empty();
  }

  /** A new temporary file in the cache for a download in progress. */
  public Path newPartial() throws IOException {
    Files.createDirectories(blobs);
    return Files.createTempFile(blobs, ".partial-", "");
  }

  /**
   * Makes a complete download from {@link #newPartial}, verified against {@code sha256}, an entry.
   */
  public Path add(Path partial, String sha256) throws IOException {
    Path blob = blobs.resolve(sha256);
    AtomicFiles.replace(partial, blob);
    return blob;
  }

  /**
   * Copies an entry to {@code target} (atomically), verifying it on the way.
   *
   * @return false, with the entry removed and {@code target} untouched, if the entry's bytes no
   *     longer hash to {@code sha256}
   */
  boolean copyVerified(Path blob, String sha256, Path target) throws IOException {
    Path temporary = AtomicFiles.temporaryFor(target);
    try {
      MessageDigest digest = Sha256.newDigest();
      try (InputStream in = new DigestInputStream(Files.newInputStream(blob), digest);
          OutputStream out = Files.newOutputStream(temporary)) {
        in.transferTo(out);
      }
      if (!Sha256.hex(digest.digest()).equals(sha256)) {
        Files.deleteIfExists(blob);
        return false;
      }
      AtomicFiles.replace(temporary, target);
      return true;
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
