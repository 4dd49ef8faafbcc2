package io.learnware.market.learnware;

import io.learnware.market.problem.MarketException;

/** Resolves {@code owner/name} and a version reference (a number, {@code latest} or an alias). */
public final class VersionRefs {

  private VersionRefs() {}

  public static Learnware learnware(String owner, String name) {
    return Learnware.findByKey(owner, name)
        .orElseThrow(
            () -> new MarketException.NotFound("No learnware " + owner + "/" + name + "."));
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
