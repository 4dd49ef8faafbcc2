package io.learnware.market.job;

import io.learnware.market.job.JobDtos.JobRequest;
import io.learnware.market.job.JobDtos.JobView;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.RestStreamElementType;

@Path("/api/v1")
@Tag(name = "jobs")
public class JobResource {

  /**
   * Event streams also re-read the job this often: a safety net, since changes made through any API
   * instance reach them at once ({@link JobEvents}).
   */
  private static final Duration STREAM_POLL = Duration.ofSeconds(15);

  private final JobService jobs;
  private final JobEvents events;

  public JobResource(JobService jobs, JobEvents events) {
    this.jobs = jobs;
    this.events = events;
  }

  @POST
  @Path("/jobs")
  @Authenticated
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Request a job: validate, distill, transfer, robustness, reuse or evaluate",
      description =
          "Answers 202 with the queued job. Jobs that create a version put it in `target`"
              + " (default: the source's name with a suffix, in the caller's namespace).")
  public RestResponse<JobView> request(JobRequest request) {
    return accepted(jobs.request(request));
  }

  @GET
  @Path("/jobs")
  @Authenticated
  @Operation(summary = "The caller's jobs, newest first (at most 100)")
  public List<JobView> mine() {
    return jobs.mine();
  }

  @GET
  @Path("/jobs/{id}")
  @Authenticated
  @Operation(summary = "One job: state, progress, message, attempts, result or error")
  public JobView job(@RestPath UUID id) {
    return jobs.view(id);
  }

  @POST
  @Path("/jobs/{id}/cancel")
  @Authenticated
  @Operation(summary = "Cancel a queued or running job (requester or admin)")
  public JobView cancel(@RestPath UUID id) {
    return jobs.cancel(id);
  }

  @GET
  @Path("/jobs/{id}/events")
  @Authenticated
  @Blocking
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @RestStreamElementType(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "The job as it changes (server-sent events), until it finishes",
      description = "Each event is the job object of GET /jobs/{id}; the last one is terminal.")
  public Multi<JobView> events(@RestPath UUID id) {
    JobView first = jobs.view(id);
    Multi<UUID> triggers =
        Multi.createBy()
            .merging()
            .streams(
                events.changesOf(id),
                Multi.createFrom().ticks().every(STREAM_POLL).map(tick -> id));
    Multi<JobView> updates =
        triggers
            .emitOn(Infrastructure.getDefaultWorkerPool())
            .map(unused -> jobs.viewOf(id))
            .filter(Objects::nonNull);
    return Multi.createFrom()
        .emitter(
            emitter -> {
              emitter.emit(first);
              if (first.state().terminal()) {
                emitter.complete();
                return;
              }
              AtomicReference<JobView> last = new AtomicReference<>(first);
              Cancellable subscription =
                  updates
                      .subscribe()
                      .with(
                          view -> {
                            if (!view.equals(last.getAndSet(view))) {
                              emitter.emit(view);
                            }
                            if (view.state().terminal()) {
                              emitter.complete();
                            }
                          },
                          emitter::fail);
              emitter.onTermination(subscription::cancel);
            });
  }

  static RestResponse<JobView> accepted(JobView job) {
    return RestResponse.ResponseBuilder.<JobView>create(RestResponse.Status.ACCEPTED)
        .location(URI.create("/api/v1/jobs/" + job.id()))
        .entity(job)
        .build();
  }
}
