package io.learnware.market.learnware;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.market.account.Access;
import io.learnware.market.account.Caller;
import io.learnware.market.account.Role;
import io.learnware.market.account.Scope;
import io.learnware.market.learnware.LearnwareDtos.AliasRequest;
import io.learnware.market.learnware.LearnwareDtos.AliasView;
import io.learnware.market.learnware.LearnwareDtos.BrowseQuery;
import io.learnware.market.learnware.LearnwareDtos.LearnwareSummary;
import io.learnware.market.learnware.LearnwareDtos.LearnwareView;
import io.learnware.market.learnware.LearnwareDtos.Page;
import io.learnware.market.learnware.LearnwareDtos.VersionView;
import io.learnware.market.learnware.LearnwareDtos.VisibilityRequest;
import io.learnware.market.learnware.LearnwareDtos.VisibilityView;
import io.learnware.market.problem.MarketException;
import io.learnware.market.storage.BlobResponses;
import io.learnware.market.storage.BlobStore;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.RkmeDocuments;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.beimingwu.BeimingwuPackage;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/** Browse, inspect and download learnwares; uploads stream through {@link UploadRoute}. */
@Path("/api/v1/learnwares")
@Tag(name = "learnwares")
public class LearnwareResource {

  static final int MAX_PAGE_SIZE = 100;

  private static final String CANONICAL = "canonical";
  private static final String BEIMINGWU = "beimingwu";

  /** Far past any real listing, small enough that page × size stays a valid offset. */
  private static final int MAX_PAGE = 1_000_000;

  private final LearnwareService service;
  private final LearnwareQueries queries;
  private final BlobStore blobs;

  private final Caller caller;

  public LearnwareResource(
      LearnwareService service, LearnwareQueries queries, BlobStore blobs, Caller caller) {
    this.service = service;
    this.queries = queries;
    this.blobs = blobs;
    this.caller = caller;
  }

  @GET
  @Operation(
      summary = "Browse learnwares with filters, full-text search and paging (page starts at 0)")
  public Page<LearnwareSummary> browse(
      @RestQuery String q,
      @RestQuery String dataType,
      @RestQuery String task,
      @RestQuery String license,
      @RestQuery("tag") List<String> tags,
      @RestQuery String owner,
      @RestQuery String state,
      @RestQuery @DefaultValue("0") String page,
      @RestQuery @DefaultValue("20") String size) {
    // Read as text: a number out of int's range would otherwise fail conversion, which JAX-RS
    // answers with 404 instead of saying which parameter is wrong.
    int pageNumber = bounded("/page", page, 0, MAX_PAGE);
    int pageSize = bounded("/size", size, 1, MAX_PAGE_SIZE);
    VersionState wanted = state(state);
    if (wanted != null && wanted != VersionState.USABLE) {
      // Unvalidated and invalid versions are their owners' business.
      if (owner == null || owner.isBlank()) {
        throw new MarketException.InvalidInput(
            "/owner", "is required with state " + wanted + " (your own username)");
      }
      caller.require(owner, Role.READ, Scope.READ);
    }
    Access.Readable readable = caller.readable();
    return queries.browse(
        new BrowseQuery(
            q,
            dataType,
            task,
            license,
            tags,
            owner,
            wanted,
            pageNumber,
            pageSize,
            readable.all() ? null : List.of(readable.asArray())));
  }

  /**
   * A query parameter that must be a whole number in [min, max]; 400 with its pointer otherwise.
   */
  private static int bounded(String pointer, String value, int min, int max) {
    try {
      long number = Long.parseLong(value.strip());
      if (number >= min && number <= max) {
        return (int) number;
      }
    } catch (NumberFormatException e) {
      // Said below.
    }
    throw new MarketException.InvalidInput(
        pointer, "must be a whole number between " + min + " and " + max);
  }

  @GET
  @Path("/{owner}/{name}")
  @Operation(summary = "A learnware with its versions and aliases")
  public LearnwareView learnware(@RestPath String owner, @RestPath String name) {
    return queries.learnware(owner, name);
  }

  @GET
  @Path("/{owner}/{name}/versions/{ref}")
  @Operation(
      summary = "One version: spec, state, artifacts, aliases, validation log",
      description =
          "`modelError` (what the model or its engine said when it failed validation) is shown"
              + " to the owner and admins only.")
  public VersionView version(@RestPath String owner, @RestPath String name, @RestPath String ref) {
    return queries.version(owner, name, ref, caller.mayWrite(owner));
  }

  @GET
  @Path("/{owner}/{name}/versions/{ref}/spec")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "The specification document of a version")
  public String spec(@RestPath String owner, @RestPath String name, @RestPath String ref) {
    return queries.spec(owner, name, ref);
  }

  @GET
  @Path("/{owner}/{name}/versions/{ref}/spec/statistical")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary =
          "The statistical specification (RKME) of a version, canonical or in Beimingwu's format",
      description =
          "`format=canonical` (default) gives the market's `rkme-table` document;"
              + " `format=beimingwu` the JSON that Beimingwu's learnware package writes and reads"
              + " (`RKMETableSpecification`: `z`, `beta`, `gamma`, `num_points`, `type`; an image"
              + " RKME also keeps `featureMap`). 404 when the version has no RKME.")
  public JsonNode statistical(
      @RestPath String owner,
      @RestPath String name,
      @RestPath String ref,
      @RestQuery @DefaultValue(CANONICAL) String format) {
    if (!CANONICAL.equals(format) && !BEIMINGWU.equals(format)) {
      throw new MarketException.InvalidInput("/format", "must be canonical or beimingwu");
    }
    LearnwareQueries.Packaged version = queries.packaged(owner, name, ref);
    LearnwareSpec spec = SpecDocuments.parse(stored(version.spec()));
    if (spec.statistical() == null) {
      throw new MarketException.NotFound(
          version.ref() + " has no statistical specification (RKME).");
    }
    return BEIMINGWU.equals(format)
        ? RkmeDocuments.toBeimingwu(spec.statistical())
        : SpecDocuments.mapper().valueToTree(spec.statistical());
  }

  @GET
  @Path("/{owner}/{name}/versions/{ref}/download")
  @Produces("application/zip")
  @Operation(
      summary =
          "A version packaged for another tool: format=beimingwu gives a Beimingwu learnware zip",
      description =
          "The zip holds learnware.yaml, __init__.py (class MarketModel: predict, fit, finetune),"
              + " market.json, the model (model.pt or model.onnx, unchanged), stat.json (the RKME in"
              + " Beimingwu's format, when the version has one), semantic_specification.json"
              + " (Beimingwu's keys Data, Task, Library, License, Scenario, Name, Description,"
              + " Input, Output) and requirements.txt. 409 for models that are not TorchScript or"
              + " ONNX.")
  public Response download(
      @RestPath String owner,
      @RestPath String name,
      @RestPath String ref,
      @RestQuery String format) {
    if (!BEIMINGWU.equals(format)) {
      throw new MarketException.InvalidInput(
          "/format",
          "must be beimingwu (the only packaged download; the model itself is at …/artifact)");
    }
    LearnwareQueries.Packaged version = queries.packaged(owner, name, ref);
    LearnwareSpec spec = SpecDocuments.parse(stored(version.spec()));
    if (!BeimingwuPackage.supports(spec.model().format())) {
      throw new MarketException.Conflict(
          "%s is a %s model; Beimingwu zips hold TorchScript or ONNX models only."
              .formatted(version.ref(), spec.model().format().jsonName()));
    }
    StreamingOutput zip =
        out -> {
          try (InputStream model = blobs.open(version.modelSha256())) {
            BeimingwuPackage.write(spec, version.ref(), model, out);
          }
        };
    String filename = version.ref().replace('/', '-').replace("@", "-v") + "-beimingwu.zip";
    return Response.ok(zip, "application/zip")
        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"")
        .build();
  }

  private static JsonNode stored(String spec) {
    try {
      return SpecDocuments.mapper().readTree(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored specification is not JSON", e);
    }
  }

  @GET
  @Path("/{owner}/{name}/versions/{ref}/artifact")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  @Operation(summary = "The model bytes; the ETag is the quoted SHA-256")
  public Response artifact(
      @RestPath String owner, @RestPath String name, @RestPath String ref, Request request) {
    return download(queries.model(owner, name, ref), request);
  }

  @GET
  @Path("/{owner}/{name}/versions/{ref}/files/{filename}")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  @Operation(summary = "An extra artifact of a version")
  public Response file(
      @RestPath String owner,
      @RestPath String name,
      @RestPath String ref,
      @RestPath String filename,
      Request request) {
    return download(queries.file(owner, name, ref, filename), request);
  }

  @DELETE
  @Path("/{owner}/{name}/versions/{ref}")
  @Authenticated
  @Operation(
      summary = "Delete a version (owner or admin)",
      description =
          "Refused with 409 while an alias points at it, or while a published ensemble pins it"
              + " (the problem names the ensembles, owner/name@N: delete them first).")
  public RestResponse<Void> delete(
      @RestPath String owner, @RestPath String name, @RestPath String ref) {
    service.deleteVersion(owner, name, ref);
    return RestResponse.noContent();
  }

  @DELETE
  @Path("/{owner}/{name}")
  @Authenticated
  @Operation(
      summary = "Delete a learnware: all its versions and aliases (owner or admin)",
      description =
          "Refused with 409 while a published ensemble of another learnware pins one of its"
              + " versions (the problem names the ensembles, owner/name@N).")
  public RestResponse<Void> deleteLearnware(@RestPath String owner, @RestPath String name) {
    service.deleteLearnware(owner, name);
    return RestResponse.noContent();
  }

  @PUT
  @Path("/{owner}/{name}/visibility")
  @Authenticated
  @Operation(
      summary = "Make a learnware public or private (admins of its namespace, scope admin)",
      description =
          "A private learnware, its versions, files, reports, lineage and jobs are seen only by"
              + " those who may read its namespace; others get 404. 409 when an ensemble's rule"
              + " would break: a public ensemble pins public learnwares only, and an ensemble pins"
              + " private learnwares of its own namespace only.")
  public VisibilityView setVisibility(
      @RestPath String owner, @RestPath String name, @Valid @NotNull VisibilityRequest request) {
    return service.setVisibility(owner, name, request.visibility());
  }

  @PUT
  @Path("/{owner}/{name}/aliases/{alias}")
  @Authenticated
  @Operation(summary = "Point an alias at a version ('latest' is derived and cannot be set)")
  public AliasView setAlias(
      @RestPath String owner,
      @RestPath String name,
      @RestPath String alias,
      @Valid @NotNull AliasRequest request) {
    return service.setAlias(owner, name, alias, request.version());
  }

  private Response download(LearnwareQueries.Artifact artifact, Request request) {
    return BlobResponses.download(blobs, artifact.sha256(), artifact.filename(), request);
  }

  private static VersionState state(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return VersionState.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new MarketException.InvalidInput("/state", "must be one of PENDING, USABLE, INVALID");
    }
  }
}
