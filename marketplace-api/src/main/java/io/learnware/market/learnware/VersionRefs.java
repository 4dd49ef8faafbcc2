package io.learnware.market.learnware;

import io.learnware.market.account.Caller;
import io.learnware.market.problem.MarketException;

/**
 * Resolves {@code owner/name} and a version reference (a number, {@code latest} or an alias). The
 * methods taking a {@link Caller} answer for what the caller may see: a private learnware it may
 * not read is as missing as one that does not exist.
 */
public final class VersionRefs {

  private VersionRefs() {}

  /**
   * The learnware if the caller may read it; 403 naming the scope if only the token stands in the
   * way.
   */
  public static Learnware readable(Caller caller, String owner, String name) {
    Learnware learnware = learnware(owner, name);
    caller.requireRead(owner, learnware.isPrivate(), () -> notFound(owner, name));
    return learnware;
  }

  /**
   * The learnware if the caller may know it exists (its namespace's members may, whatever their
   * token's scopes: writes check their own scope next).
   */
  public static Learnware visible(Caller caller, String owner, String name) {
    Learnware learnware = learnware(owner, name);
    caller.requireVisible(owner, learnware.isPrivate(), () -> notFound(owner, name));
    return learnware;
  }

  public static LearnwareVersion resolveReadable(
      Caller caller, String owner, String name, String ref) {
    return resolve(readable(caller, owner, name), ref);
  }

  private static MarketException.NotFound notFound(String owner, String name) {
    return new MarketException.NotFound("No learnware " + owner + "/" + name + ".");
  }

  /** The learnware whoever asks: for the market's own work (workers' jobs, results). */
  public static Learnware learnware(String owner, String name) {
    return Learnware.findByKey(owner, name).orElseThrow(() -> notFound(owner, name));
  }

  public static LearnwareVersion resolve(String owner, String name, String ref) {
    Learnware learnware = learnware(owner, name);
    return resolve(learnware, ref);
  }

  public static LearnwareVersion resolve(Learnware learnware, String ref) {
    if (ref.chars().allMatch(Character::isDigit) && !ref.isEmpty() && ref.length() < 10) {
      int number = Integer.parseInt(ref);
      return LearnwareVersion.findByNumber(learnware, number)
          .orElseThrow(
              () ->
                  new MarketException.NotFound(
                      learnware.key() + " has no version " + number + "."));
    }
    if (LearnwareService.LATEST.equals(ref)) {
      return LearnwareVersion.findLatest(learnware)
          .orElseThrow(
              () ->
                  new MarketException.NotFound(
                      learnware.key() + " has no usable or pending version."));
    }
    return Alias.findByName(learnware, ref)
        .map(alias -> alias.version)
        .orElseThrow(
            () ->
                new MarketException.NotFound(
                    learnware.key() + " has no version or alias '" + ref + "'."));
  }
}
