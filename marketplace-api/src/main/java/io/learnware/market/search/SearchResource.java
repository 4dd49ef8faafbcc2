package io.learnware.market.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.problem.MarketException;
import io.learnware.market.search.SearchDtos.SearchRequest;
import io.learnware.market.search.SearchDtos.SearchResult;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.Violation;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/search")
@Tag(name = "search")
public class SearchResource {

  private final SearchService search;
  private final ObjectMapper mapper;

  public SearchResource(SearchService search, ObjectMapper mapper) {
    this.search = search;
    this.mapper = mapper;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Search learnwares by meaning and by statistics",
      description =
          "Filters (data type, task, licence, tags, owner, state, input and output shape) and"
              + " full text `q` select learnwares by their current version; INVALID ones are never"
              + " returned. With `statistical` (an RKME of the caller's data, made locally with"
              + " `learnware spec rkme`, canonical or in Beimingwu's `RKMETableSpecification`"
              + " JSON), only learnwares whose RKME lives in the same space are compared, ranked by"
              + " exact MMD, with a recommended `mixture` when a weighted combination fits better"
              + " than any single one. Ties are ordered by owner/name. A refused RKME names each"
              + " cause by JSON Pointer (`/statistical/z/3/5` must be a finite number: the bare"
              + " `NaN` and `Infinity` that Python's json writes are read for this).")
  public Uni<SearchResult> search(
      @RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON,
                      schema = @Schema(implementation = SearchRequest.class)))
          String body) {
    // A Uni, so that the body (130 KB with an RKME) is read on the I/O thread in one piece
    // (quarkus.rest.input-buffer-size) and the search runs on a worker thread.
    return Uni.createFrom()
        .item(() -> search.search(request(body)))
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }

  /**
   * Reads the body here rather than in the REST layer, whose JSON reader refuses {@code NaN} with a
   * bare 400: an RKME from Python may hold one, and the caller needs to know where.
   */
  private SearchRequest request(String body) {
    if (body == null || body.isBlank()) {
      return new SearchRequest(null, null, null, null, null);
    }
    JsonNode tree;
    try {
      tree = SpecDocuments.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MarketException.InvalidInput(
          "",
          "is not valid JSON (line %d, column %d): %s"
              .formatted(
                  e.getLocation().getLineNr(),
                  e.getLocation().getColumnNr(),
                  e.getOriginalMessage()));
    }
    // The RKME is taken as parsed: converting the request would copy its thousands of numbers.
    JsonNode statistical = tree instanceof ObjectNode object ? object.remove("statistical") : null;
    try {
      SearchRequest request = mapper.treeToValue(tree, SearchRequest.class);
      return statistical == null
          ? request
          : new SearchRequest(
              request.q(), request.filters(), statistical, request.limit(), request.offset());
    } catch (JsonMappingException e) {
      throw new MarketException.InvalidInput(pointer(e), "has the wrong type");
    } catch (JsonProcessingException e) {
      throw new MarketException.InvalidInput("", "is not a search request");
    }
  }

  private static String pointer(JsonMappingException e) {
    String pointer = "";
    for (JsonMappingException.Reference step : e.getPath()) {
      pointer =
          step.getFieldName() != null
              ? Violation.child(pointer, step.getFieldName())
              : Violation.child(pointer, step.getIndex());
    }
    return pointer;
  }
}
