package io.learnware.market.dataset;

import io.learnware.market.dataset.DatasetService.DatasetView;
import io.learnware.market.problem.MarketException;
import io.learnware.market.storage.BlobResponses;
import io.learnware.market.storage.BlobStore;
import io.learnware.market.storage.DiskReserve;
import io.learnware.market.storage.ResultStaging;
import io.learnware.market.storage.StagedFile;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Private data sets for jobs: their owners upload them. Workers read a data set only as the input
 * of a job whose lease they hold ({@code /worker/jobs/{id}/inputs/…}), never here.
 */
@Path("/api/v1/datasets/{owner}/{name}")
@Tag(name = "datasets")
@Authenticated
public class DatasetResource {

  private final DatasetService datasets;
  private final BlobStore blobs;
  private final ResultStaging staging;
  private final DiskReserve disk;

  public DatasetResource(
      DatasetService datasets, BlobStore blobs, ResultStaging staging, DiskReserve disk) {
    this.disk = disk;
    this.datasets = datasets;
    this.blobs = blobs;
    this.staging = staging;
  }

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(
      summary = "Upload a data set for jobs",
      description =
          "Part `data`: a CSV with a header (a `label` column is used as labels where jobs take"
              + " them), or IDX images (.gz allowed) with an optional part `labels` (IDX labels).")
  public RestResponse<DatasetView> upload(
      @RestPath String owner,
      @RestPath String name,
      @RestForm("data") FileUpload data,
      @RestForm("labels") FileUpload labels) {
    disk.requireRoom(0);
    StagedFile stagedData = staging.stage(data);
    StagedFile stagedLabels = staging.stage(labels);
    try {
      DatasetView view = datasets.upload(owner, name, stagedData, stagedLabels);
      return RestResponse.ResponseBuilder.<DatasetView>created(
              URI.create("/api/v1/datasets/" + owner + "/" + name))
          .entity(view)
          .build();
    } finally {
      staging.discard(stagedData);
      staging.discard(stagedLabels);
    }
  }

  @GET
  @Operation(summary = "A data set's description (owner or admin)")
  public DatasetView get(@RestPath String owner, @RestPath String name) {
    return DatasetService.viewOf(datasets.readable(owner, name));
  }

  @GET
  @Path("/data")
  @Operation(summary = "A data set's bytes (owner or admin)")
  public Response data(@RestPath String owner, @RestPath String name, Request request) {
    Dataset dataset = datasets.readable(owner, name);
    return BlobResponses.download(blobs, dataset.dataSha256, name + "." + dataset.format, request);
  }

  @GET
  @Path("/labels")
  @Operation(summary = "An IDX data set's labels (owner or admin)")
  public Response labels(@RestPath String owner, @RestPath String name, Request request) {
    Dataset dataset = datasets.readable(owner, name);
    if (dataset.labelsSha256 == null) {
      throw new MarketException.NotFound("The data set " + dataset.key() + " has no labels.");
    }
    return BlobResponses.download(blobs, dataset.labelsSha256, name + "-labels.idx", request);
  }
}
