package io.learnware.market.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.job.JobDtos.JobRequest;
import io.learnware.market.job.JobDtos.JobView;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * {@code POST /learnwares/{owner}/{name}/versions/{ref}/distillations}: a distill job in one call.
 * Its own class because JAX-RS picks the resource class by its path before the method.
 */
@Path("/api/v1/learnwares/{owner}/{name}/versions/{ref}/distillations")
@Tag(name = "jobs")
public class DistillationResource {

  private final JobService jobs;

  public DistillationResource(JobService jobs) {
    this.jobs = jobs;
  }

  @POST
  @Authenticated
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Distil a learnware into a smaller student",
      description =
          "The body is the distill job's params (student, temperature, alpha, epochs, batchSize,"
              + " learningRate, seed, transferSize), plus optional `dataset`, `target` and"
              + " `visibility`.")
  public RestResponse<JobView> distill(
      @RestPath String owner, @RestPath String name, @RestPath String ref, JsonNode body) {
    JsonNode params = body == null ? null : body.deepCopy();
    String dataset = null;
    String target = null;
    String visibility = null;
    if (params instanceof ObjectNode object) {
      dataset = textOrNull(object.remove("dataset"));
      target = textOrNull(object.remove("target"));
      visibility = textOrNull(object.remove("visibility"));
    }
    return JobResource.accepted(
        jobs.request(
            new JobRequest(
                DistillJobType.NAME,
                owner + "/" + name + "@" + ref,
                dataset,
                params,
                target,
                visibility)));
  }

  private static String textOrNull(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }
}
