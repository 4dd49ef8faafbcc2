package io.learnware.market.account;

import io.learnware.market.problem.MarketException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;

/** The authenticated caller of the current JAX-RS request. */
@RequestScoped
public class Caller {

  private final SecurityIdentity identity;

  public Caller(SecurityIdentity identity) {
    this.identity = identity;
  }

  /** The calling user's name; 401 for anonymous requests, 403 for workers. */
  public String username() {
    if (identity.isAnonymous()) {
      throw new UnauthorizedException();
    }
    if (!identity.hasRole(TokenIdentityProvider.ROLE_USER)) {
      throw new MarketException.Forbidden("Worker tokens cannot act as users.");
    }
    return identity.getPrincipal().getName();
  }

  /** The principal of the calling user, for services that check access themselves. */
  public AccountService.Principal principal() {
    return new AccountService.Principal(username(), isAdmin());
  }

  /**
   * Whether the caller is a user who may write to {@code owner}'s namespace (its owner or an
   * admin); false for anonymous callers and workers.
   */
  public boolean mayWrite(String owner) {
    return !identity.isAnonymous()
        && identity.hasRole(TokenIdentityProvider.ROLE_USER)
        && (isAdmin() || identity.getPrincipal().getName().equals(owner));
  }

  public boolean isAdmin() {
    return !identity.isAnonymous() && identity.hasRole(TokenIdentityProvider.ROLE_ADMIN);
  }

  /**
   * 401 without a token, 403 when {@code owner} is someone else's namespace and the caller is no
   * admin.
   */
  public void requireWriteAccess(String owner) {
    new AccountService.Principal(username(), isAdmin()).requireWriteAccess(owner);
  }
}
