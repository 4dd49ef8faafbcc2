package io.learnware.djl;

import io.learnware.client.LearnwareClient;
import java.net.URI;
import java.nio.file.Path;

/**
 * How learnware:// URLs reach a market: the token (null for public reads) and the download cache.
 */
record Settings(String token, Path cache) {

  static Settings fromEnvironment() {
    String token = setting("learnware.token", "LEARNWARE_TOKEN");
    String cache = System.getProperty("learnware.cache");
    return new Settings(
        token, cache != null ? Path.of(cache) : LearnwareClient.defaultCacheDirectory());
  }

  LearnwareClient client(URI server) {
    return LearnwareClient.builder(server).token(token).cache(cache).build();
  }

  /** Where pulled versions are laid out for DJL, one directory per market and reference. */
  Path modelDirectory(LearnwareUrl url) {
    String market = url.server().getAuthority().replaceAll("[^A-Za-z0-9.-]", "_");
    String prefix = url.server().getRawPath() == null ? "" : url.server().getRawPath();
    if (!prefix.isEmpty()) {
      market += prefix.replaceAll("[^A-Za-z0-9.-]", "_");
    }
    return cache
        .resolve("djl")
        .resolve(market)
        .resolve(url.ref().owner())
        .resolve(url.ref().name())
        .resolve(url.ref().version());
  }

  private static String setting(String property, String variable) {
    String value = System.getProperty(property);
    return value != null ? value : System.getenv(variable);
  }
}
