package io.learnware.market.account;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns a bearer token into an identity with roles {@code user} and, for admins, {@code admin}. */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

  public static final String ROLE_USER = "user";
  public static final String ROLE_ADMIN = "admin";

  /** Worker nodes: the job protocol and the downloads jobs need, nothing else. */
  public static final String ROLE_WORKER = "worker";

  private final AccountService accounts;

  public TokenIdentityProvider(AccountService accounts) {
    this.accounts = accounts;
  }

  @Override
  public Class<TokenAuthenticationRequest> getRequestType() {
    return TokenAuthenticationRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      TokenAuthenticationRequest request, AuthenticationRequestContext context) {
    String secret = request.getToken().getToken();
    if (AccountService.isWorkerSecret(secret)) {
      return context.runBlocking(
          () ->
              accounts
                  .authenticateWorker(secret)
                  .map(
                      name ->
                          (SecurityIdentity)
                              QuarkusSecurityIdentity.builder()
                                  .setPrincipal(new QuarkusPrincipal("worker:" + name))
                                  .addRole(ROLE_WORKER)
                                  .build())
                  .orElseThrow(
                      () -> new AuthenticationFailedException("unknown or revoked worker token")));
    }
    return context.runBlocking(
        () ->
            accounts
                .authenticate(secret)
                .map(TokenIdentityProvider::identityOf)
                .orElseThrow(
                    () -> new AuthenticationFailedException("unknown, expired or revoked token")));
  }

  private static SecurityIdentity identityOf(Principal principal) {
    QuarkusSecurityIdentity.Builder builder =
        QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal(principal.username()))
            .addAttribute(Principal.ATTRIBUTE, principal)
            .addRole(ROLE_USER);
    if (principal.admin()) {
      builder.addRole(ROLE_ADMIN);
    }
    return builder.build();
  }
}
