package io.learnware.market.account;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** A member's role in a namespace; each includes the ones before it. */
public enum Role {
  /** See private learnwares and data sets, run jobs on them. */
  READ,
  /** Upload versions and data sets, set aliases, delete versions. */
  WRITE,
  /** Members, visibility, deleting learnwares, the audit log. */
  ADMIN;

  public boolean includes(Role other) {
    return compareTo(other) >= 0;
  }

  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Optional<Role> of(String name) {
    return Arrays.stream(values()).filter(r -> r.jsonName().equals(name)).findFirst();
  }

  public static List<String> names() {
    return Arrays.stream(values()).map(Role::jsonName).toList();
  }
}
