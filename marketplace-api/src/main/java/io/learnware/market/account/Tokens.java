package io.learnware.market.account;

import io.learnware.market.storage.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Token secrets: 256 random bits, so a plain SHA-256 at rest is enough (no password hashing needed)
 * and lookups stay a single index probe.
 */
final class Tokens {

  static final String PREFIX = "lw_";

  /** Worker tokens look different, so that neither kind is mistaken for the other. */
  static final String WORKER_PREFIX = "lww_";

  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  static String newSecret() {
    return newSecret(PREFIX);
  }

  static String newWorkerSecret() {
    return newSecret(WORKER_PREFIX);
  }

  private static String newSecret(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static boolean isWorkerSecret(String secret) {
    return secret.startsWith(WORKER_PREFIX);
  }

  static byte[] hash(String secret) {
    return Sha256.newDigest().digest(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** What is shown of a token after creation: enough to recognise it, far too little to use it. */
  static String displayPrefix(String secret) {
    int prefix = isWorkerSecret(secret) ? WORKER_PREFIX.length() : PREFIX.length();
    return secret.substring(0, Math.min(secret.length(), prefix + 6));
  }
}
