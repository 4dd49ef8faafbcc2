package io.learnware.market.backup;

import io.learnware.market.storage.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;

/**
 * Copies a file while hashing it, and puts it in place only if its bytes are the expected ones: a
 * damaged blob is never copied into a backup, nor restored into a market.
 */
final class VerifiedCopy {

  private VerifiedCopy() {}

  /**
   * @param label what the source is, for the message if it is missing or damaged
   * @return the number of bytes copied
   */
  static long copy(Path source, Path target, String sha256, long size, String label)
      throws IOException {
    return copy(() -> Files.newInputStream(source), source.toString(), target, sha256, size, label);
  }

  /** Opens a source of bytes (a file, an S3 object). */
  interface Source {
    InputStream open() throws IOException;
  }

  /**
   * @param where the source, for messages
   * @return the number of bytes copied
   */
  static long copy(Source source, String where, Path target, String sha256, long size, String label)
      throws IOException {
    Files.createDirectories(target.getParent());
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    MessageDigest digest = Sha256.newDigest();
    long copied = 0;
    try (InputStream in = source.open();
        OutputStream out = Files.newOutputStream(partial)) {
      byte[] buffer = new byte[1 << 16];
      for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
        out.write(buffer, 0, read);
        copied += read;
      }
    } catch (NoSuchFileException e) {
      Files.deleteIfExists(partial);
      throw new BackupException(label + " is missing (" + where + ")");
    }
    String actual = Sha256.hex(digest.digest());
    if (copied != size || !actual.equals(sha256)) {
      Files.deleteIfExists(partial);
      throw new BackupException(
          String.format(
              "%s is damaged: expected %d bytes with SHA-256 %s, found %d bytes with SHA-256 %s (%s)",
              label, size, sha256, copied, actual, where));
    }
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    return copied;
  }
}
