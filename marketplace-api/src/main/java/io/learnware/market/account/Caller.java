package io.learnware.market.account;

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

  /** The caller's username; 401 for anonymous requests. */
  public String username() {
    if (identity.isAnonymous()) {
      throw new UnauthorizedException();
    }
    return identity.getPrincipal().getName();
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
