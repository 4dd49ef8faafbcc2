package io.learnware.market.account;

import java.util.Optional;

/**
 * Reads the token of an {@code Authorization: Bearer <token>} header, for the REST layer ({@link
 * BearerTokenMechanism}) and the Vert.x routes ahead of it (the streaming upload, the rate limits).
 * The scheme is matched ignoring case (RFC 9110 §11.1) and spaces around the token are dropped.
 */
public final class BearerToken {

  /** The scheme, as a 401's {@code WWW-Authenticate} names it. */
  public static final String SCHEME = "Bearer";

  /**
   * Set in a request's routing context once its token has authenticated. The rate limits remember
   * such tokens, so that a flood of wrong tokens from a shared address does not lock them out.
   */
  public static final String AUTHENTICATED = "learnware.bearer-token-authenticated";

  private static final String PREFIX = SCHEME + " ";

  private BearerToken() {}

  /**
   * The token in {@code header}; empty when there is no header, when it names another scheme, or
   * when nothing follows the scheme. Callers tell the first case apart by the header itself: it
   * makes a request anonymous, the others make it fail.
   */
  public static Optional<String> of(String header) {
    if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return Optional.empty();
    }
    String token = header.substring(PREFIX.length()).trim();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }
}
