package io.learnware.market.account;

import java.util.Set;

/**
 * An authenticated user as its token presents it.
 *
 * @param admin whether the user is a site admin (every namespace, no quotas)
 * @param scopes what the token may be used for
 * @param namespaces the only namespaces the token may act in; null for all
 */
public record Principal(String username, boolean admin, Set<Scope> scopes, Set<String> namespaces) {

  /** The identity attribute that carries the principal from authentication to the request. */
  static final String ATTRIBUTE = "learnware.principal";

  public Principal {
    scopes = Set.copyOf(scopes);
    namespaces = namespaces == null ? null : Set.copyOf(namespaces);
  }

  public boolean has(Scope scope) {
    return scopes.contains(scope);
  }

  /** Whether the token may act in {@code namespace} at all. */
  public boolean reaches(String namespace) {
    return namespaces == null || namespaces.contains(namespace);
  }
}
