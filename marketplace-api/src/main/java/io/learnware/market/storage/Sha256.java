package io.learnware.market.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 helpers: artifacts are addressed by the lowercase hex digest of their bytes. */
public final class Sha256 {

  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  private Sha256() {}

  public static boolean isHex(String value) {
    return value != null && HEX.matcher(value).matches();
  }

  public static String of(byte[] bytes) {
    return hex(newDigest().digest(bytes));
  }

  /** The digest of a file's bytes, read in a stream. */
  public static String ofFile(java.nio.file.Path file) throws java.io.IOException {
    MessageDigest digest = newDigest();
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
    }
    return hex(digest.digest());
  }

  public static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
