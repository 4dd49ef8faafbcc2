package io.learnware.market.account;

import io.learnware.market.problem.MarketException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import java.util.function.Supplier;

/**
 * The authenticated caller of the current JAX-RS request, and its access through {@link Access}.
 */
@RequestScoped
public class Caller {

  private final SecurityIdentity identity;
  private final Access access;

  public Caller(SecurityIdentity identity, Access access) {
    this.identity = identity;
    this.access = access;
  }

  /** The calling user; 401 for anonymous requests, 403 for workers. */
  public Principal principal() {
    if (identity.isAnonymous()) {
      throw new UnauthorizedException();
    }
    if (!identity.hasRole(TokenIdentityProvider.ROLE_USER)) {
      throw new MarketException.Forbidden("Worker tokens cannot act as users.");
    }
    return identity.getAttribute(Principal.ATTRIBUTE);
  }

  /** The calling user, or null for anonymous callers and workers (who read what anyone reads). */
  public Principal principalOrNull() {
    return identity.isAnonymous() || !identity.hasRole(TokenIdentityProvider.ROLE_USER)
        ? null
        : identity.getAttribute(Principal.ATTRIBUTE);
  }

  public String username() {
    return principal().username();
  }

  public boolean isAdmin() {
    return !identity.isAnonymous() && identity.hasRole(TokenIdentityProvider.ROLE_ADMIN);
  }

  /** 401, or 403 naming the missing scope or role: see {@link Access#require}. */
  public void require(String namespace, Role role, Scope scope) {
    access.require(principal(), namespace, role, scope);
  }

  /** 403 naming the scope when the token lacks it. */
  public void requireScope(Scope scope) {
    Access.requireScope(principal(), scope);
  }

  /** Site admins only, with a token carrying {@code admin}. */
  public void requireSiteAdmin() {
    Principal principal = principal();
    if (!principal.admin()) {
      throw new MarketException.Forbidden("Only site admins may do this.");
    }
    Access.requireScope(principal, Scope.ADMIN);
  }

  public boolean canRead(String owner, boolean isPrivate) {
    return access.canRead(principalOrNull(), owner, isPrivate);
  }

  /** See {@link Access#requireRead}. */
  public void requireRead(
      String owner, boolean isPrivate, Supplier<? extends MarketException> notFound) {
    access.requireRead(principalOrNull(), owner, isPrivate, notFound);
  }

  /** See {@link Access#requireVisible}. */
  public void requireVisible(
      String owner, boolean isPrivate, Supplier<? extends MarketException> notFound) {
    access.requireVisible(principalOrNull(), owner, isPrivate, notFound);
  }

  /** Whether the caller may write to {@code owner}'s namespace with this token. */
  public boolean mayWrite(String owner) {
    Principal principal = principalOrNull();
    return principal != null
        && principal.has(Scope.WRITE)
        && access.role(principal, owner).filter(r -> r.includes(Role.WRITE)).isPresent();
  }

  public Access.Readable readable() {
    return access.readable(principalOrNull());
  }
}
