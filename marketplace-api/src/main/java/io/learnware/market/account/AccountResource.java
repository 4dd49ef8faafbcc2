package io.learnware.market.account;

import io.learnware.market.account.AccountDtos.CreatedUser;
import io.learnware.market.account.AccountDtos.Me;
import io.learnware.market.account.AccountDtos.NewToken;
import io.learnware.market.account.AccountDtos.NewUser;
import io.learnware.market.account.AccountDtos.NewWorkerToken;
import io.learnware.market.account.AccountDtos.TokenView;
import io.learnware.market.account.AccountDtos.WorkerTokenView;
import io.learnware.market.problem.MarketException;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/** The caller, users (admins create them) and the caller's own API tokens. */
@Path("/api/v1")
@Tag(name = "accounts")
public class AccountResource {

  private final AccountService accounts;
  private final NamespaceService namespaces;
  private final Caller caller;

  public AccountResource(AccountService accounts, NamespaceService namespaces, Caller caller) {
    this.accounts = accounts;
    this.namespaces = namespaces;
    this.caller = caller;
  }

  @GET
  @Path("/me")
  @Authenticated
  @Operation(
      summary = "The caller: username, site roles, namespaces with roles, the token's scopes")
  public Me me() {
    Principal principal = caller.principal();
    List<String> roles =
        principal.admin()
            ? List.of(TokenIdentityProvider.ROLE_USER, TokenIdentityProvider.ROLE_ADMIN)
            : List.of(TokenIdentityProvider.ROLE_USER);
    return new Me(
        principal.username(),
        roles,
        namespaces.memberships(principal.username()),
        principal.scopes().stream().sorted().map(Scope::jsonName).toList(),
        principal.namespaces() == null ? null : principal.namespaces().stream().sorted().toList());
  }

  @POST
  @Path("/users")
  @RolesAllowed(TokenIdentityProvider.ROLE_ADMIN)
  @Operation(summary = "Create a user (admin); the response shows its first token once")
  public RestResponse<CreatedUser> createUser(@Valid @NotNull NewUser request) {
    caller.requireSiteAdmin();
    CreatedUser created = accounts.createUser(request.username(), false);
    return RestResponse.ResponseBuilder.<CreatedUser>created(
            URI.create("/api/v1/users/" + created.username()))
        .entity(created)
        .build();
  }

  @POST
  @Path("/tokens")
  @Authenticated
  @Operation(
      summary = "Create an API token for the caller (scope admin); the secret is shown once",
      description =
          "`scopes` (read, write, jobs, admin) and `namespaces` default to those of the token"
              + " making the request, and cannot exceed them; `expiresAt` is optional.")
  public RestResponse<TokenView> createToken(@Valid NewToken request) {
    Principal principal = caller.principal();
    Access.requireScope(principal, Scope.ADMIN);
    NewToken body = request == null ? new NewToken(null, null, null, null) : request;
    TokenView token = accounts.createToken(principal, tokenRequest(body));
    return RestResponse.ResponseBuilder.<TokenView>created(
            URI.create("/api/v1/tokens/" + token.id()))
        .entity(token)
        .build();
  }

  @GET
  @Path("/tokens")
  @Authenticated
  @Operation(summary = "The caller's tokens (scope admin; never their secrets)")
  public List<TokenView> tokens() {
    caller.requireScope(Scope.ADMIN);
    return accounts.tokens(caller.username());
  }

  @DELETE
  @Path("/tokens/{id}")
  @Authenticated
  @Operation(summary = "Revoke one of the caller's tokens (scope admin)")
  public RestResponse<Void> revokeToken(@RestPath UUID id) {
    caller.requireScope(Scope.ADMIN);
    accounts.revokeToken(caller.username(), id);
    return RestResponse.noContent();
  }

  @POST
  @Path("/worker-tokens")
  @RolesAllowed(TokenIdentityProvider.ROLE_ADMIN)
  @Operation(summary = "Create a worker token (admin); the secret is shown once")
  public RestResponse<WorkerTokenView> createWorkerToken(@Valid @NotNull NewWorkerToken request) {
    caller.requireSiteAdmin();
    WorkerTokenView token = accounts.issueWorkerToken(request.name(), null);
    return RestResponse.ResponseBuilder.<WorkerTokenView>created(
            URI.create("/api/v1/worker-tokens/" + token.id()))
        .entity(token)
        .build();
  }

  @GET
  @Path("/worker-tokens")
  @RolesAllowed(TokenIdentityProvider.ROLE_ADMIN)
  @Operation(summary = "Worker tokens (admin; never their secrets)")
  public List<WorkerTokenView> workerTokens() {
    caller.requireSiteAdmin();
    return accounts.workerTokens();
  }

  @DELETE
  @Path("/worker-tokens/{id}")
  @RolesAllowed(TokenIdentityProvider.ROLE_ADMIN)
  @Operation(summary = "Revoke a worker token (admin)")
  public RestResponse<Void> revokeWorkerToken(@RestPath UUID id) {
    caller.requireSiteAdmin();
    accounts.revokeWorkerToken(id);
    return RestResponse.noContent();
  }

  private static AccountService.TokenRequest tokenRequest(NewToken body) {
    Set<Scope> scopes = null;
    if (body.scopes() != null) {
      scopes = new HashSet<>();
      for (int i = 0; i < body.scopes().size(); i++) {
        String name = body.scopes().get(i);
        int index = i;
        scopes.add(
            Scope.of(name)
                .orElseThrow(
                    () ->
                        new MarketException.InvalidInput(
                            "/scopes/" + index, "must be one of " + Scope.names())));
      }
    }
    return new AccountService.TokenRequest(
        body.name(),
        scopes,
        body.namespaces() == null ? null : Set.copyOf(body.namespaces()),
        body.expiresAt());
  }
}
