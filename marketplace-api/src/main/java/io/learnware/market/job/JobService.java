package io.learnware.market.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.MarketConfig;
import io.learnware.market.abuse.Quotas;
import io.learnware.market.account.Access;
import io.learnware.market.account.Caller;
import io.learnware.market.account.Principal;
import io.learnware.market.account.Role;
import io.learnware.market.account.Scope;
import io.learnware.market.dataset.DatasetService;
import io.learnware.market.job.JobDtos.JobRequest;
import io.learnware.market.job.JobDtos.JobResult;
import io.learnware.market.job.JobDtos.JobView;
import io.learnware.market.job.JobEvents.JobChanged;
import io.learnware.market.learnware.Learnware;
import io.learnware.market.learnware.LearnwareEvents.VersionUploaded;
import io.learnware.market.learnware.LearnwareService;
import io.learnware.market.learnware.LearnwareVersion;
import io.learnware.market.learnware.VersionRefs;
import io.learnware.market.problem.MarketException;
import io.learnware.market.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Users' side of jobs: request, inspect, list, cancel; and the validation every upload gets. */
@ApplicationScoped
public class JobService {

  private static final Pattern LEARNWARE_REF =
      Pattern.compile(
          "^([a-z0-9][a-z0-9-]{1,62})/([a-z0-9][a-z0-9-]{1,62})(?:@([A-Za-z0-9-]{1,63}))?$");
  private static final Pattern LEARNWARE_KEY =
      Pattern.compile("^([a-z0-9][a-z0-9-]{1,62})/([a-z0-9][a-z0-9-]{1,62})$");
  private static final int LIST_LIMIT = 100;

  /** What a job may ask to run on (params.device): a CPU or a GPU worker. */
  private static final List<String> DEVICES = List.of("cpu", "gpu");

  private final Caller caller;
  private final MarketConfig config;
  private final Quotas quotas;
  private final Event<JobChanged> changed;
  private final LearnwareService learnwares;
  private final DatasetService datasets;
  private final JobTypes types;

  public JobService(
      Caller caller,
      MarketConfig config,
      Quotas quotas,
      Event<JobChanged> changed,
      LearnwareService learnwares,
      DatasetService datasets,
      JobTypes types) {
    this.learnwares = learnwares;
    this.datasets = datasets;
    this.types = types;
    this.caller = caller;
    this.config = config;
    this.quotas = quotas;
    this.changed = changed;
  }

  @Transactional
  public JobView request(JobRequest request) {
    Principal principal = caller.principal();
    Access.requireScope(principal, Scope.JOBS);
    if (request == null) {
      throw new MarketException.InvalidInput("/", "a job request (JSON object) is required");
    }
    List<Problem.Violation> violations = new ArrayList<>();
    JobType type = types.find(request.type()).orElse(null);
    if (type == null) {
      violations.add(new Problem.Violation("/type", "must be one of " + types.names()));
    }
    var source = request.source() == null ? null : LEARNWARE_REF.matcher(request.source());
    if (source == null || !source.matches()) {
      violations.add(new Problem.Violation("/source", "must be owner/name or owner/name@ref"));
    }
    if (request.params() != null && !request.params().isObject()) {
      violations.add(new Problem.Violation("/params", "must be a JSON object"));
    }
    String device = null;
    if (request.params() != null && request.params().has("device")) {
      device = request.params().get("device").asText();
      if (!request.params().get("device").isTextual() || !DEVICES.contains(device)) {
        violations.add(
            new Problem.Violation("/params/device", "must be cpu or gpu (omit it for any worker)"));
      }
      // Where a job runs is the market's business, not the handler's: it is kept apart.
      ObjectNode rest = ((ObjectNode) request.params()).deepCopy();
      rest.remove("device");
      request =
          new JobRequest(
              request.type(),
              request.source(),
              request.dataset(),
              rest,
              request.target(),
              request.visibility());
    }
    var target = request.target() == null ? null : LEARNWARE_KEY.matcher(request.target());
    if (target != null && !target.matches()) {
      violations.add(new Problem.Violation("/target", "must be owner/name"));
    }
    if (request.dataset() != null && !LEARNWARE_KEY.matcher(request.dataset()).matches()) {
      violations.add(
          new Problem.Violation("/dataset", "must be owner/name of one of your data sets"));
    }
    if (request.visibility() != null
        && !request.visibility().equals(Learnware.PUBLIC)
        && !request.visibility().equals(Learnware.PRIVATE)) {
      violations.add(new Problem.Violation("/visibility", "must be public or private"));
    }
    if (!violations.isEmpty()) {
      throw new MarketException.InvalidInput(
          "The job request is invalid: " + violations.getFirst().message(), violations);
    }
    LearnwareVersion version =
        VersionRefs.resolveReadable(
            caller,
            source.group(1),
            source.group(2),
            source.group(3) == null ? "latest" : source.group(3));
    type.checkSource(caller, version);
    if (request.dataset() != null) {
      String[] dataset = request.dataset().split("/", 2);
      datasets.readable(dataset[0], dataset[1]);
    }
    type.checkRequest(request, version);
    quotas.requireQueueSlot(principal);
    JsonNode params = type.params(caller, request, version, target != null);
    String targetOwner = null;
    String targetName = null;
    if (type.createsVersion(params)) {
      if (target != null) {
        targetOwner = target.group(1);
        targetName = target.group(2);
      } else {
        targetOwner = principal.username();
        targetName = defaultName(version.learnware.name, type.targetSuffix());
      }
      caller.require(targetOwner, Role.WRITE, Scope.WRITE);
    }
    Job job =
        newJob(
            request.type(),
            version,
            principal.username(),
            params == null ? "{}" : params.toString(),
            request.dataset(),
            targetOwner,
            targetName,
            targetOwner == null ? null : targetVisibility(request.visibility(), version, params),
            device);
    return viewOf(job);
  }

  /**
   * What a target learnware the job creates will be: as asked, else private when any source is (a
   * result of private learnwares is not published by accident), else the market's default.
   */
  private String targetVisibility(String asked, LearnwareVersion source, JsonNode params) {
    if (asked != null) {
      return asked;
    }
    boolean privateSource = source.learnware.isPrivate();
    if (params != null && params.has("sources")) {
      privateSource |=
          ReuseSources.others(params.toString()).stream()
              .anyMatch(v -> v != null && v.learnware.isPrivate());
    }
    return privateSource ? Learnware.PRIVATE : config.defaultVisibility().jsonName();
  }

  /** Every upload is validated by a worker before search and browse show it. */
  void validateUpload(@Observes VersionUploaded uploaded) {
    newJob(
        ValidateJobType.NAME,
        LearnwareVersion.findById(uploaded.versionId()),
        uploaded.uploader(),
        "{}",
        null,
        null,
        null,
        null,
        null);
  }

  @Transactional
  public JobView view(UUID id) {
    caller.requireScope(Scope.JOBS);
    return viewOf(visible(id));
  }

  @Transactional
  public List<JobView> mine() {
    caller.requireScope(Scope.JOBS);
    return Job.listByRequester(caller.username(), LIST_LIMIT).stream()
        .map(JobService::viewOf)
        .toList();
  }

  /** Cancels a queued or running job; a running job's worker loses its lease. */
  @Transactional
  public JobView cancel(UUID id) {
    caller.requireScope(Scope.JOBS);
    Job job = visible(id);
    JobType type = types.of(job);
    if (type.writesSource()) {
      // The market's lock order: the source learnware, then the job (see JobQueue).
      learnwares.lockLearnwareOf(job.sourceVersionId);
    }
    Job.getEntityManager().lock(job, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    Job.getEntityManager().refresh(job);
    if (!job.cancel(caller.username())) {
      throw new MarketException.Conflict(
          "Job " + id + " has already finished (" + job.state + ").");
    }
    type.cancelled(job, caller.username());
    changed.fire(new JobChanged(job.id, job.state));
    return viewOf(job);
  }

  /** The job if the caller may see it: its requester or an admin; 404 otherwise. */
  private Job visible(UUID id) {
    Principal principal = caller.principal();
    return Job.findByUuid(id)
        .filter(job -> principal.admin() || job.requestedBy.equals(principal.username()))
        .orElseThrow(() -> new MarketException.NotFound("No job " + id + "."));
  }

  private Job newJob(
      String type,
      LearnwareVersion version,
      String requestedBy,
      String params,
      String dataset,
      String targetOwner,
      String targetName,
      String targetVisibility,
      String requestedDevice) {
    Job job = new Job();
    job.id = UUID.randomUUID();
    job.type = type;
    job.requestedBy = requestedBy;
    job.sourceVersionId = version.id;
    job.sourceRef = version.learnware.key() + "@" + version.version;
    job.dataset = dataset;
    job.targetOwner = targetOwner;
    job.targetName = targetName;
    job.targetVisibility = targetVisibility;
    job.requestedDevice = requestedDevice;
    job.params = params;
    job.maxAttempts = config.jobs().maxAttempts();
    job.queue();
    job.persist();
    changed.fire(new JobChanged(job.id, job.state));
    return job;
  }

  private static String defaultName(String source, String suffix) {
    String name = source + "-" + suffix;
    return name.length() <= 63 ? name : name.substring(0, 63);
  }

  static JobView viewOf(Job job) {
    JobResult result = null;
    if (job.resultVersionId != null || job.report != null) {
      String learnware = null;
      if (job.resultVersionId != null) {
        LearnwareVersion version = LearnwareVersion.findById(job.resultVersionId);
        learnware = version == null ? null : version.learnware.key() + "@" + version.version;
      }
      result = new JobResult(learnware, job.report);
    }
    return new JobView(
        job.id,
        job.type,
        job.state,
        job.progress,
        job.message,
        job.attempts,
        job.sourceRef,
        job.dataset,
        job.targetOwner == null ? null : job.targetOwner + "/" + job.targetName,
        job.params,
        result,
        job.error,
        job.requestedBy,
        job.requestedDevice,
        job.workerDevice,
        job.createdAt,
        job.startedAt,
        job.finishedAt);
  }

  /** Reads a job's view without access checks (event streams check once, at the start). */
  @Transactional
  JobView viewOf(UUID id) {
    return Job.findByUuid(id).map(JobService::viewOf).orElse(null);
  }
}
