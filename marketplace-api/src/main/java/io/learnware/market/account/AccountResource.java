package io.learnware.market.account;

import io.learnware.market.account.AccountModels.CreatedUser;
import io.learnware.market.account.AccountModels.Me;
import io.learnware.market.account.AccountModels.NewToken;
import io.learnware.market.account.AccountModels.NewUser;
import io.learnware.market.account.AccountModels.NewWorkerToken;
import io.learnware.market.account.AccountModels.TokenView;
import io.learnware.market.account.AccountModels.WorkerTokenView;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.net.URI;
import java.util.List;
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
  private final Caller caller;

  public AccountResource(AccountService accounts, Caller caller) {
    this.accounts = accounts;
    this.caller = caller;
  }

  @GET
  @Path("/me")
  @Authenticated
  @Operation(summary = "The caller: username and roles")
  public Me me() {
    List<String> roles =
        caller.isAdmin()
            ? List.of(TokenIdentityProvider.ROLE_USER, TokenIdentityProvider.ROLE_ADMIN)
            : List.of(TokenIdentityProvider.ROLE_USER);
    return new Me(caller.username(), roles);
  }

  @POST
  @Path("/users")
  @RolesAllowed(TokenIdentityProvider.ROLE_ADMIN)
  @Operation(summary = "Create a user (admin); the response shows its first token once")
  public RestResponse<CreatedUser> createUser(@Valid @NotNull NewUser request) {
    CreatedUser created = accounts.createUser(request.username(), false);
    return RestResponse.ResponseBuilder.<CreatedUser>created(
            URI.create("/api/v1/users/" + created.username()))
        .entity(created)
        .build();
  }

  @POST
  @Path("/tokens")
  @Authenticated
  @Operation(summary = "Create an API token for the caller; the secret is shown once")
  public RestResponse<TokenView> createToken(@Valid NewToken request) {
    TokenView token =
        accounts.issueToken(caller.username(), request == null ? null : request.name(), null);
    return RestResponse.ResponseBuilder.<TokenView>created(
            URI.create("/api/v1/tokens/" + token.id()))
        .entity(token)
        .build();
  }

  @GET
  @Path("/tokens")
  @Authenticated
  @Operation(summary = "The caller's tokens (never their secrets)")
  public List<TokenView> tokens() {
    return accounts.tokens(caller.username());
  }

  @DELETE
  @Path("/tokens/{id}")
  @Authenticated
  @Operation(summary = "Revoke one of the caller's tokens")
  public RestResponse<Void> revokeToken(@RestPath UUID id) {
    accounts.revokeToken(caller.username(), id);
    return RestResponse.noContent();
  }

  @POST
  @Path("/worker-tokens")
  @RolesAllowed(TokenIdentityProvider.ROLE_ADMIN)
  @Operation(summary = "Create a worker token (admin); the secret is shown once")
  public RestResponse<WorkerTokenView> createWorkerToken(@Valid @NotNull NewWorkerToken request) {
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
    return accounts.workerTokens();
  }

  @DELETE
  @Path("/worker-tokens/{id}")
  @RolesAllowed(TokenIdentityProvider.ROLE_ADMIN)
  @Operation(summary = "Revoke a worker token (admin)")
  public RestResponse<Void> revokeWorkerToken(@RestPath UUID id) {
    accounts.revokeWorkerToken(id);
    return RestResponse.noContent();
  }
}
