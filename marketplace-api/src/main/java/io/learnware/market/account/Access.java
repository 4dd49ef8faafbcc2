package io.learnware.market.account;

import io.learnware.market.problem.MarketException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The market's one access rule. A user's role in a namespace (site admins: admin everywhere),
 * narrowed by the token: its scopes and its namespaces. Public learnwares are read by anyone;
 * anything private is invisible (404) to those who may not read it, so that names do not leak.
 */
@ApplicationScoped
public class Access {

  /**
   * The namespaces whose private learnwares a caller may read.
   *
   * @param namespaces null for every namespace
   */
  public record Readable(Set<String> namespaces) {
    public static final Readable NONE = new Readable(Set.of());
    public static final Readable ALL = new Readable(null);

    public boolean all() {
      return namespaces == null;
    }

    public boolean contains(String namespace) {
      return namespaces == null || namespaces.contains(namespace);
    }

    public String[] asArray() {
      return namespaces == null ? null : namespaces.stream().sorted().toArray(String[]::new);
    }
  }

  /** The role of {@code principal} in {@code namespace} as its token allows; empty for none. */
  @Transactional
  public Optional<Role> role(Principal principal, String namespace) {
    if (principal == null || !principal.reaches(namespace)) {
      return Optional.empty();
    }
    if (principal.admin()) {
      return Optional.of(Role.ADMIN);
    }
    return NamespaceMember.findMember(namespace, principal.username()).map(NamespaceMember::role);
  }

  /** Whether the caller may see a learnware (or data set) of {@code owner}. */
  public boolean canRead(Principal principal, String owner, boolean isPrivate) {
    return !isPrivate
        || (principal != null && principal.has(Scope.READ) && role(principal, owner).isPresent());
  }

  /**
   * Nothing when the caller may see it; {@code notFound} when it may not know it exists; 403 naming
   * the scope when the user may read it but this token may not.
   */
  public void requireRead(
      Principal principal,
      String owner,
      boolean isPrivate,
      Supplier<? extends MarketException> notFound) {
    if (!isPrivate) {
      return;
    }
    if (principal == null || role(principal, owner).isEmpty()) {
      throw notFound.get();
    }
    requireScope(principal, Scope.READ);
  }

  /**
   * {@code notFound} when the caller may not know that a private thing of {@code owner} exists:
   * anyone with a role there (in the token's namespaces) may, whatever the token's scopes.
   */
  public void requireVisible(
      Principal principal,
      String owner,
      boolean isPrivate,
      Supplier<? extends MarketException> notFound) {
    if (isPrivate && (principal == null || role(principal, owner).isEmpty())) {
      throw notFound.get();
    }
  }

  /**
   * 401 for anonymous callers; 403 when the token lacks {@code scope} or does not reach {@code
   * namespace}, or when the user's role there is below {@code role}.
   */
  public void require(Principal principal, String namespace, Role role, Scope scope) {
    if (principal == null) {
      throw new MarketException.Unauthorized();
    }
    requireScope(principal, scope);
    if (!principal.reaches(namespace)) {
      throw new MarketException.MissingScope(
          "This token is limited to the namespaces "
              + new TreeSet<>(principal.namespaces())
              + "; '"
              + namespace
              + "' is not one of them.");
    }
    Optional<Role> held = role(principal, namespace);
    if (held.isEmpty() || !held.get().includes(role)) {
      throw new MarketException.Forbidden(
          held.map(r -> "Your role in '" + namespace + "' is " + r.jsonName())
                  .orElse("You are not a member of '" + namespace + "'")
              + "; this needs the role "
              + role.jsonName()
              + ".");
    }
  }

  /** 403 naming the scope when the token does not carry it. */
  public static void requireScope(Principal principal, Scope scope) {
    if (!principal.has(scope)) {
      throw new MarketException.MissingScope(
          "This token lacks the scope '"
              + scope.jsonName()
              + "' (it has "
              + principal.scopes().stream()
                  .sorted()
                  .map(Scope::jsonName)
                  .collect(Collectors.joining(", "))
              + "); use a token with '"
              + scope.jsonName()
              + "'.");
    }
  }

  /** The namespaces whose private learnwares and data sets the caller may see. */
  @Transactional
  public Readable readable(Principal principal) {
    if (principal == null || !principal.has(Scope.READ)) {
      return Readable.NONE;
    }
    if (principal.admin()) {
      return principal.namespaces() == null ? Readable.ALL : new Readable(principal.namespaces());
    }
    return new Readable(
        NamespaceMember.listByUsername(principal.username()).stream()
            .map(m -> m.namespace)
            .filter(principal::reaches)
            .collect(Collectors.toUnmodifiableSet()));
  }
}
