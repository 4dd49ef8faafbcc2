package io.learnware.client;

import java.util.regex.Pattern;

/**
 * A version reference {@code owner/name@version-or-alias}; {@code owner/name} alone means
 * {@code @latest}.
 *
 * @param version a version number or an alias such as {@code latest} or {@code prod}
 */
public record LearnwareRef(String owner, String name, String version) {

  /** The alias the market keeps on the newest usable (or, failing that, pending) version. */
  public static final String LATEST = "latest";

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}|[a-z][a-z0-9-]{0,62}");

  public LearnwareRef {
    require(NAME, owner, "owner", "lowercase letters, digits and '-', 2 to 63 characters");
    require(NAME, name, "name", "lowercase letters, digits and '-', 2 to 63 characters");
    require(VERSION, version, "version", "a version number or an alias such as 'latest'");
  }

  /**
   * Parses {@code owner/name} or {@code owner/name@ref}.
   *
   * @throws IllegalArgumentException with a message fit for the user
   */
  public static LearnwareRef parse(String text) {
    int at = text.indexOf('@');
    String key = at < 0 ? text : text.substring(0, at);
    int slash = key.indexOf('/');
    if (slash < 0 || key.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a learnware: expected owner/name or owner/name@version");
    }
    return new LearnwareRef(
        key.substring(0, slash),
        key.substring(slash + 1),
        at < 0 ? LATEST : text.substring(at + 1));
  }

  /**
   * {@code value} if it is a valid owner, learnware, namespace or user name (they share one rule).
   *
   * @param what names the value in the message, e.g. {@code "namespace"}
   * @throws IllegalArgumentException with a message fit for the user
   */
  public static String requireName(String value, String what) {
    require(NAME, value, what, "lowercase letters, digits and '-', 2 to 63 characters");
    return value;
  }

  /** The same learnware at another version. */
  public LearnwareRef at(String otherVersion) {
    return new LearnwareRef(owner, name, otherVersion);
  }

  /** {@code owner/name}. */
  public String key() {
    return owner + "/" + name;
  }

  @Override
  public String toString() {
    return key() + "@" + version;
  }

  private static void require(Pattern pattern, String value, String what, String rule) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "invalid %s '%s': %s".formatted(what, value == null ? "" : value, rule));
    }
  }
}
