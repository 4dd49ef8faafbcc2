package io.learnware.market.account;

import io.learnware.market.account.AccountDtos.AuditView;
import io.learnware.market.account.AccountDtos.MemberRequest;
import io.learnware.market.account.AccountDtos.NamespaceView;
import io.learnware.market.account.AccountDtos.NewOrganisation;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/** Namespaces: organisations, their members and roles, and audit logs. */
@Path("/api/v1")
@Tag(name = "namespaces")
public class NamespaceResource {

  private final NamespaceService namespaces;

  public NamespaceResource(NamespaceService namespaces) {
    this.namespaces = namespaces;
  }

  @POST
  @Path("/organisations")
  @Authenticated
  @Operation(
      summary = "Create an organisation (scope admin); the caller becomes its first admin",
      description = "Organisations and users share one set of names: 409 when the name is taken.")
  public RestResponse<NamespaceView> createOrganisation(@Valid @NotNull NewOrganisation request) {
    NamespaceView created = namespaces.createOrganisation(request.name());
    return RestResponse.ResponseBuilder.<NamespaceView>created(
            URI.create("/api/v1/namespaces/" + created.name()))
        .entity(created)
        .build();
  }

  @GET
  @Path("/namespaces/{name}")
  @Operation(summary = "A namespace (a user's or an organisation's); members are listed to members")
  public NamespaceView namespace(@RestPath String name) {
    return namespaces.namespace(name);
  }

  @PUT
  @Path("/namespaces/{name}/members/{username}")
  @Authenticated
  @Operation(
      summary = "Add a member to an organisation or change a member's role (its admins)",
      description =
          "Roles: read (see private learnwares, run jobs on them), write (upload, aliases, delete"
              + " versions), admin (members, visibility, delete learnwares, audit log). 409 for a"
              + " user's own namespace and for demoting the last admin.")
  public NamespaceView putMember(
      @RestPath String name, @RestPath String username, @Valid @NotNull MemberRequest request) {
    return namespaces.putMember(name, username, request.role());
  }

  @DELETE
  @Path("/namespaces/{name}/members/{username}")
  @Authenticated
  @Operation(summary = "Remove a member from an organisation (its admins; not the last admin)")
  public RestResponse<Void> removeMember(@RestPath String name, @RestPath String username) {
    namespaces.removeMember(name, username);
    return RestResponse.noContent();
  }

  @GET
  @Path("/namespaces/{name}/audit")
  @Authenticated
  @Operation(
      summary = "The namespace's audit log, newest first (its admins, scope admin)",
      description =
          "Uploads, deletions, visibility and alias changes, member changes, token creation."
              + " `learnware` narrows to one learnware; `before` (an entry id) pages back.")
  public List<AuditView> audit(
      @RestPath String name,
      @RestQuery String learnware,
      @RestQuery Long before,
      @RestQuery @DefaultValue("50") int limit) {
    return namespaces.audit(name, learnware, before, limit);
  }
}
