package io.learnware.djl;

import io.learnware.client.LearnwareRef;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;

/**
 * A model URL naming a stored learnware: {@code learnware://host[:port][/prefix]/owner/name[@ref]}
 * for a market served over HTTP, {@code learnwares://…} over HTTPS. {@code ref} is a version number
 * or an alias ({@code latest} when left out); a path prefix before {@code owner/name} is kept as
 * the market's base path.
 *
 * @param server the market's base URL, e.g. {@code http://localhost:8080}
 * @param ref the learnware and version
 */
public record LearnwareUrl(URI server, LearnwareRef ref) {

  /** The scheme of markets served over plain HTTP. */
  public static final String SCHEME = "learnware";

  /** The scheme of markets served over HTTPS. */
  public static final String SECURE_SCHEME = "learnwares";

  /**
   * @throws IllegalArgumentException with a message fit for the user
   */
  public static LearnwareUrl parse(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals(SCHEME) && !scheme.equals(SECURE_SCHEME)) {
      throw new IllegalArgumentException(
          "'" + url + "' is not a learnware:// or learnwares:// URL");
    }
    if (url.getHost() == null) {
      throw new IllegalArgumentException(
          "'" + url + "' names no market: expected learnware://host[:port]/owner/name[@ref]");
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    String[] segments = path.replaceAll("^/+|/+$", "").split("/+");
    if (segments.length < 2) {
      throw new IllegalArgumentException(
          "'" + url + "' names no learnware: expected learnware://host[:port]/owner/name[@ref]");
    }
    String prefix = String.join("/", Arrays.copyOfRange(segments, 0, segments.length - 2));
    LearnwareRef ref =
        LearnwareRef.parse(segments[segments.length - 2] + "/" + segments[segments.length - 1]);
    URI server =
        URI.create(
            (scheme.equals(SECURE_SCHEME) ? "https" : "http")
                + "://"
                + url.getRawAuthority()
                + (prefix.isEmpty() ? "" : "/" + prefix));
    return new LearnwareUrl(server, ref);
  }

  @Override
  public String toString() {
    String authorityAndPath = server.toString().replaceFirst("^https?://", "");
    return (server.getScheme().equals("https") ? SECURE_SCHEME : SCHEME)
        + "://"
        + authorityAndPath
        + "/"
        + ref;
  }
}
