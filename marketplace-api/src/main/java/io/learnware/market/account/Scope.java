package io.learnware.market.account;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a token may be used for. Reading public learnwares needs none; every other request needs the
 * scope of its kind, whatever the user's role.
 */
public enum Scope {
  /** Private learnwares, data sets and members of namespaces the user may read. */
  READ,
  /** Uploads, aliases, version deletions, data set uploads. */
  WRITE,
  /** Requesting, following and cancelling jobs. */
  JOBS,
  /** Members, visibility, learnware deletion, audit log, tokens, organisations. */
  ADMIN;

  public static final Set<Scope> ALL = EnumSet.allOf(Scope.class);

  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Optional<Scope> of(String name) {
    return Arrays.stream(values()).filter(s -> s.jsonName().equals(name)).findFirst();
  }

  public static List<String> names() {
    return Arrays.stream(values()).map(Scope::jsonName).toList();
  }
}
