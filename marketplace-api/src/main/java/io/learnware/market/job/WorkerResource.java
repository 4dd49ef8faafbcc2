package io.learnware.market.job;

import io.learnware.market.account.TokenIdentityProvider;
import io.learnware.market.job.JobDtos.Artifact;
import io.learnware.market.job.JobDtos.ClaimRequest;
import io.learnware.market.job.JobDtos.ClaimedJob;
import io.learnware.market.job.JobDtos.Failure;
import io.learnware.market.job.JobDtos.Heartbeat;
import io.learnware.market.job.JobDtos.JobView;
import io.learnware.market.job.JobDtos.Lease;
import io.learnware.market.job.JobQueue.CompleteCommand;
import io.learnware.market.storage.BlobResponses;
import io.learnware.market.storage.BlobStore;
import io.learnware.market.storage.ResultStaging;
import io.learnware.market.storage.StagedFile;
import io.vertx.core.http.HttpServerResponse;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** The worker protocol (worker tokens only). Workers never touch the database. */
@Path("/api/v1/worker")
@Tag(name = "worker protocol")
@RolesAllowed(TokenIdentityProvider.ROLE_WORKER)
public class WorkerResource {

  static final String LEASE_HEADER = "Lease-Id";

  private final JobQueue queue;
  private final ResultStaging staging;
  private final BlobStore blobs;

  public WorkerResource(JobQueue queue, ResultStaging staging, BlobStore blobs) {
    this.queue = queue;
    this.staging = staging;
    this.blobs = blobs;
  }

  @POST
  @Path("/claim")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Claim a job of the given types (long poll)",
      description = "200 with the job and its lease, or 204 when none came within the wait.")
  public RestResponse<ClaimedJob> claim(ClaimRequest request, HttpServerResponse response)
      throws InterruptedException {
    // A worker that stopped or died while it waited must not be handed a job it never sees.
    return queue
        .claim(request, response::closed)
        .map(RestResponse::ok)
        .orElseGet(RestResponse::noContent);
  }

  @GET
  @Path("/jobs/{id}/inputs/{sha256}")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  @Operation(
      summary = "Download one of a job's inputs (the URLs of its claim)",
      description =
          "Only with the job's current lease (header Lease-Id): 409 when the lease was lost, 404"
              + " for bytes that are not this job's input.")
  public Response input(
      @RestPath UUID id,
      @RestPath String sha256,
      @RestHeader(LEASE_HEADER) UUID lease,
      Request request) {
    Artifact input = queue.input(id, lease, sha256);
    return BlobResponses.download(
        blobs, input.sha256(), input.filename() == null ? sha256 : input.filename(), request);
  }

  @POST
  @Path("/jobs/{id}/heartbeat")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Renew the lease and report progress; 409 when the lease was lost")
  public Lease heartbeat(
      @RestPath UUID id, @RestHeader(LEASE_HEADER) UUID lease, Heartbeat heartbeat) {
    return queue.heartbeat(id, lease, heartbeat);
  }

  @POST
  @Path("/jobs/{id}/complete")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(
      summary = "Report the result: part report (JSON); for distill/transfer also spec and model",
      description =
          "Recorded exactly once, with the version it creates; 409 when the lease was lost.")
  public JobView complete(
      @RestPath UUID id,
      @RestHeader(LEASE_HEADER) UUID lease,
      @RestForm("report") String report,
      @RestForm("spec") String spec,
      @RestForm("model") FileUpload model,
      @RestForm("file") List<FileUpload> files) {
    List<StagedFile> staged = new ArrayList<>();
    StagedFile stagedModel = null;
    try {
      if (files != null) {
        for (FileUpload file : files) {
          staged.add(staging.stage(file));
        }
      }
      stagedModel = staging.stage(model);
      return queue.complete(id, lease, new CompleteCommand(report, spec, stagedModel, staged));
    } finally {
      // The blob store moved what it kept; anything left is from a refused result.
      staging.discard(stagedModel);
      staged.forEach(staging::discard);
    }
  }

  @POST
  @Path("/jobs/{id}/fail")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Give up on a job; retryable failures go back to the queue")
  public JobView fail(@RestPath UUID id, @RestHeader(LEASE_HEADER) UUID lease, Failure failure) {
    return queue.fail(id, lease, failure);
  }
}
