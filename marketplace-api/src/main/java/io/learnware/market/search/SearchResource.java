package io.learnware.market.search;

import io.learnware.market.search.SearchDtos.SearchRequest;
import io.learnware.market.search.SearchDtos.SearchResult;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/search")
@Tag(name = "search")
public class SearchResource {

  private final SearchService search;

  public SearchResource(SearchService search) {
    this.search = search;
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
              + " `learnware spec rkme`), only learnwares whose RKME lives in the same space are"
              + " compared, ranked by exact MMD, with a recommended `mixture` when a weighted"
              + " combination fits better than any single one. Ties are ordered by owner/name.")
  public SearchResult search(SearchRequest request) {
    return search.search(
        request == null ? new SearchRequest(null, null, null, null, null) : request);
  }
}
