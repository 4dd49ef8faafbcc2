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
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] hash(String secret) {
    return Sha256.newDigest().digest(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** What is shown of a token after creation: enough to recognise it, far too little to use it. */
  static String displayPrefix(String secret) {
    return secret.substring(0, Math.min(secret.length(), PREFIX.length() + 6));
  }
}
