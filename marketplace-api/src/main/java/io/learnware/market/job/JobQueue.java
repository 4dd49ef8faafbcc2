package io.learnware.market.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.MarketConfig;
import io.learnware.market.abuse.LimitsConfig;
import io.learnware.market.dataset.Dataset;
import io.learnware.market.job.JobDtos.Artifact;
import io.learnware.market.job.JobDtos.ClaimRequest;
import io.learnware.market.job.JobDtos.ClaimedJob;
import io.learnware.market.job.JobDtos.DatasetRef;
import io.learnware.market.job.JobDtos.Failure;
import io.learnware.market.job.JobDtos.Heartbeat;
import io.learnware.market.job.JobDtos.JobView;
import io.learnware.market.job.JobDtos.Lease;
import io.learnware.market.job.JobDtos.Source;
import io.learnware.market.job.JobEvents.JobChanged;
import io.learnware.market.job.JobType.Completion;
import io.learnware.market.learnware.EnsemblePins;
import io.learnware.market.learnware.LearnwareService;
import io.learnware.market.learnware.LearnwareVersion;
import io.learnware.market.problem.MarketException;
import io.learnware.market.problem.Problem;
import io.learnware.market.storage.StagedFile;
import io.learnware.spec.reuse.EnsembleManifest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * The workers' side of jobs: claim under a lease, heartbeat, complete, fail. A lease is identified
 * by a fresh id at every claim; any call with another id gets 409 and changes nothing. A lease that
 * is not renewed in time returns the job to the queue (or fails it after its last attempt). What a
 * result records is its {@link JobType}'s to say.
 */
@ApplicationScoped
public class JobQueue {

  /**
   * How often a waiting claim looks again without being woken by a queued job (in any instance):
   * leases expire, and a job that ends may free its user's share of running jobs.
   */
  private static final long POLL_MILLIS = 1000;

  private final EntityManager em;
  private final MarketConfig config;
  private final Event<JobChanged> changed;
  private final JobEvents events;
  private final LearnwareService learnwares;
  private final ObjectMapper mapper;
  private final LimitsConfig limits;
  private final WorkerText text;
  private final EnsemblePins pins;
  private final JobTypes types;

  /**
   * Queued jobs of the requested types whose requester is under the running-jobs quota (admins and
   * upload validations are exempt), so that one user's burst of jobs cannot take every worker.
   * Concurrent claims may each start one more of a user's jobs.
   */
  /**
   * A claiming worker's device: {@code cpu} or {@code gpu:N} (bare {@code gpu}, {@code auto} too).
   */
  private static final Pattern WORKER_DEVICE = Pattern.compile("cpu|auto|gpu(:[0-9]{1,3})?");

  private static final String CLAIMABLE =
      """
      SELECT * FROM job j WHERE j.state = 'QUEUED' AND j.type = ANY(:types)
      AND (j.requested_device IS NULL OR j.requested_device = :kind) AND (
          j.type = '%1$s'
          OR EXISTS (SELECT 1 FROM account a WHERE a.username = j.requested_by AND a.admin)
          OR (SELECT count(*) FROM job r WHERE r.requested_by = j.requested_by
                  AND r.state = 'RUNNING' AND r.type <> '%1$s') < :running)
      """
          .formatted(ValidateJobType.NAME);

  public JobQueue(
      EntityManager em,
      MarketConfig config,
      Event<JobChanged> changed,
      JobEvents events,
      LearnwareService learnwares,
      ObjectMapper mapper,
      LimitsConfig limits,
      WorkerText text,
      EnsemblePins pins,
      JobTypes types) {
    this.em = em;
    this.pins = pins;
    this.config = config;
    this.changed = changed;
    this.events = events;
    this.learnwares = learnwares;
    this.mapper = mapper;
    this.limits = limits;
    this.text = text;
    this.types = types;
  }

  /**
   * A job for this worker, waiting up to the configured claim wait; empty if none came.
   *
   * @param abandoned true once the worker has gone (its connection closed): the wait ends, and a
   *     job leased at that moment goes back to the queue instead of waiting for its lease to expire
   */
  public Optional<ClaimedJob> claim(ClaimRequest request, BooleanSupplier abandoned)
      throws InterruptedException {
    List<Problem.Violation> violations = new ArrayList<>();
    if (request == null
        || request.workerId() == null
        || request.workerId().isBlank()
        || request.workerId().length() > 128) {
      violations.add(new Problem.Violation("/workerId", "is required (at most 128 characters)"));
    }
    if (request == null
        || request.types() == null
        || request.types().isEmpty()
        || !types.names().containsAll(request.types())) {
      violations.add(new Problem.Violation("/types", "must list job types among " + types.names()));
    }
    if (request != null
        && request.device() != null
        && !WORKER_DEVICE.matcher(request.device()).matches()) {
      violations.add(new Problem.Violation("/device", "must be cpu or gpu:N"));
    }
    if (!violations.isEmpty()) {
      throw new MarketException.InvalidInput(
          "The claim is invalid: " + violations.getFirst().message(), violations);
    }
    long deadline = System.nanoTime() + config.jobs().claimWait().toNanos();
    while (!abandoned.getAsBoolean()) {
      expireLeases();
      Optional<ClaimedJob> job = QuarkusTransaction.requiringNew().call(() -> tryClaim(request));
      if (job.isPresent() && abandoned.getAsBoolean()) {
        QuarkusTransaction.requiringNew().run(() -> unclaim(job.get()));
        return Optional.empty();
      }
      long remaining = (deadline - System.nanoTime()) / 1_000_000;
      if (job.isPresent() || remaining <= 0) {
        return job;
      }
      events.awaitQueued(Math.min(remaining, POLL_MILLIS));
    }
    return Optional.empty();
  }

  /** Returns a job whose claim never reached its worker to the queue, without using an attempt. */
  private void unclaim(ClaimedJob claimed) {
    Job job = leased(claimed.id(), claimed.leaseId(), LockModeType.PESSIMISTIC_WRITE);
    job.unclaim();
    changed.fire(new JobChanged(job.id, job.state));
  }

  /**
   * The oldest claimable job, leased to the caller. Jobs that can no longer run (their source was
   * deleted while they waited) fail on the way, and the next one is taken: they must not cost the
   * claim its job.
   */
  private Optional<ClaimedJob> tryClaim(ClaimRequest request) {
    while (true) {
      @SuppressWarnings("unchecked")
      List<Job> rows =
          em.createNativeQuery(
                  CLAIMABLE + " ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED", Job.class)
              .setParameter("types", request.types().toArray(String[]::new))
              .setParameter("running", limits.quota().runningJobs())
              .setParameter("kind", kind(request.device()))
              .getResultList();
      if (rows.isEmpty()) {
        return Optional.empty();
      }
      Optional<ClaimedJob> claimed = lease(rows.getFirst(), request);
      if (claimed.isPresent()) {
        return claimed;
      }
      em.flush();
    }
  }

  /** Which jobs a device may take: those that asked for its kind, or for none. */
  private static String kind(String device) {
    return device != null && device.startsWith("gpu") ? "gpu" : "cpu";
  }

  /** Leases {@code job}, or fails it when what it needs was deleted. */
  private Optional<ClaimedJob> lease(Job job, ClaimRequest request) {
    job.claim(
        request.workerId(),
        request.device() == null ? "cpu" : request.device(),
        config.jobs().lease());
    changed.fire(new JobChanged(job.id, job.state));
    LearnwareVersion source =
        job.sourceVersionId == null ? null : LearnwareVersion.findById(job.sourceVersionId);
    if (source == null) {
      failNow(job, "the source version was deleted", false);
      return Optional.empty();
    }
    try {
      List<Source> others = new ArrayList<>();
      for (LearnwareVersion other : types.of(job).otherSources(job)) {
        if (other == null) {
          failNow(job, "a learnware to combine was deleted", false);
          return Optional.empty();
        }
        others.add(sourceOf(job.id, other, ReuseSources.refOf(other), true));
      }
      return Optional.of(
          new ClaimedJob(
              job.id,
              job.leaseId,
              job.leaseExpiresAt,
              job.attempts,
              job.type,
              job.params,
              sourceOf(job.id, source, job.sourceRef, true),
              datasetRef(job.id, job.dataset),
              others.isEmpty() ? null : others));
    } catch (MemberGone gone) {
      failNow(job, "a member of the ensemble was deleted (" + gone.getMessage() + ")", false);
      return Optional.empty();
    }
  }

  /** A published ensemble's pinned member is gone (or changed): its job cannot run. */
  private static final class MemberGone extends RuntimeException {
    MemberGone(String ref) {
      super(ref, null, false, false);
    }
  }

  /**
   * One of a job's inputs, for the worker that holds its lease: the artifacts its claim lists, and
   * no other bytes. A worker token reads nothing else, so a model that steals one gains little.
   *
   * @throws MarketException.NotFound for an unknown job, or bytes that are not its input
   * @throws MarketException.Conflict when {@code lease} is not the job's current lease
   */
  @Transactional
  public Artifact input(UUID id, UUID lease, String sha256) {
    Job job = leased(id, lease, LockModeType.NONE);
    List<Artifact> inputs = new ArrayList<>();
    LearnwareVersion source =
        job.sourceVersionId == null ? null : LearnwareVersion.findById(job.sourceVersionId);
    if (source != null) {
      addArtifacts(inputs, sourceOf(job.id, source, job.sourceRef, false));
    }
    for (LearnwareVersion other : types.of(job).otherSources(job)) {
      if (other != null) {
        addArtifacts(inputs, sourceOf(job.id, other, ReuseSources.refOf(other), false));
      }
    }
    DatasetRef dataset = datasetRef(job.id, job.dataset);
    if (dataset != null) {
      inputs.add(dataset.data());
      if (dataset.labels() != null) {
        inputs.add(dataset.labels());
      }
    }
    return inputs.stream()
        .filter(artifact -> artifact.sha256().equals(sha256))
        .findFirst()
        .orElseThrow(() -> new MarketException.NotFound("Job " + id + " has no such input."));
  }

  private static void addArtifacts(List<Artifact> inputs, Source source) {
    inputs.add(source.model());
    inputs.addAll(source.files());
    if (source.members() != null) {
      source.members().forEach(member -> addArtifacts(inputs, member));
    }
  }

  /**
   * Where the worker holding a job's lease downloads one of its inputs. Every input goes through
   * this lease-scoped URL, public learnwares' artifacts too, so that the worker needs no other read
   * access.
   */
  private static String inputUrl(UUID job, String sha256) {
    return "/api/v1/worker/jobs/" + job + "/inputs/" + sha256;
  }

  /**
   * A version as workers download it: its spec and its artifacts' URLs and SHA-256, and for a
   * published ensemble each pinned member likewise, in the order of its {@code ensemble.json}.
   *
   * @param strict whether a missing member throws {@link MemberGone} (a claim) or is left out (the
   *     inputs a lease may still download)
   */
  private Source sourceOf(UUID job, LearnwareVersion version, String ref, boolean strict) {
    List<Source> members = null;
    if (EnsemblePins.isEnsemble(version)) {
      members = new ArrayList<>();
      for (EnsembleManifest.Member pin : pins.of(version).members()) {
        // Versions are immutable, so a pinned member is that version or gone; the SHA-256 is
        // compared all the same, should a member ever be replaced under its number.
        Optional<LearnwareVersion> member =
            EnsemblePins.find(pin).filter(found -> found.modelSha256.equals(pin.sha256()));
        if (member.isPresent()) {
          members.add(artifactsOf(job, member.get(), pin.ref(), null));
        } else if (strict) {
          throw new MemberGone(pin.ref());
        }
      }
    }
    return artifactsOf(job, version, ref, members);
  }

  private static Source artifactsOf(
      UUID job, LearnwareVersion version, String ref, List<Source> members) {
    return new Source(
        ref,
        version.spec,
        new Artifact(
            null, inputUrl(job, version.modelSha256), version.modelSha256, version.modelSize),
        version.files.stream()
            .map(f -> new Artifact(f.filename, inputUrl(job, f.sha256), f.sha256, f.size))
            .toList(),
        members);
  }

  private static DatasetRef datasetRef(UUID job, String key) {
    if (key == null) {
      return null;
    }
    String[] parts = key.split("/", 2);
    return Dataset.findByKey(parts[0], parts[1])
        .map(
            d ->
                new DatasetRef(
                    d.key(),
                    d.format,
                    new Artifact(
                        d.name + "." + d.format,
                        inputUrl(job, d.dataSha256),
                        d.dataSha256,
                        d.dataSize),
                    d.labelsSha256 == null
                        ? null
                        : new Artifact(
                            d.name + "-labels.idx",
                            inputUrl(job, d.labelsSha256),
                            d.labelsSha256,
                            d.labelsSize)))
        .orElse(null);
  }

  /**
   * Returns expired leases to the queue, or fails their jobs after the last attempt. Each in its
   * own transaction, taking the source learnware's lock before the job's like every other write.
   */
  private void expireLeases() {
    @SuppressWarnings("unchecked")
    List<UUID> expired =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    em.createNativeQuery(
                            "SELECT id FROM job WHERE state = 'RUNNING' AND lease_expires_at <"
                                + " now()",
                            UUID.class)
                        .getResultList());
    for (UUID id : expired) {
      QuarkusTransaction.requiringNew().run(() -> expire(id));
    }
  }

  private void expire(UUID id) {
    lockSourceFirst(id);
    @SuppressWarnings("unchecked")
    List<Job> rows =
        em.createNativeQuery(
                "SELECT * FROM job WHERE id = :id AND state = 'RUNNING' AND lease_expires_at <"
                    + " now() FOR UPDATE SKIP LOCKED",
                Job.class)
            .setParameter("id", id)
            .getResultList();
    for (Job job : rows) {
      job.expire();
      if (job.state == JobState.FAILED) {
        failed(job, false);
      } else {
        changed.fire(new JobChanged(job.id, job.state));
      }
    }
  }

  @Transactional
  public Lease heartbeat(UUID id, UUID lease, Heartbeat heartbeat) {
    Job job = leased(id, lease, LockModeType.PESSIMISTIC_WRITE);
    job.heartbeat(
        heartbeat == null ? null : heartbeat.progress(),
        heartbeat == null ? null : text.clean(heartbeat.message()),
        config.jobs().lease());
    changed.fire(new JobChanged(job.id, job.state));
    return new Lease(job.leaseExpiresAt);
  }

  /**
   * Records a job's result exactly once, in one transaction with what it creates: the validation
   * verdict on its source, or the new version with its lineage, and the report.
   */
  @Transactional
  public JobView complete(UUID id, UUID lease, CompleteCommand command) {
    lockResultLearnwares(id);
    Job job = leased(id, lease, LockModeType.PESSIMISTIC_WRITE);
    JsonNode report = json(command.report(), "/report");
    if (!(report instanceof ObjectNode reportObject)) {
      throw new MarketException.InvalidInput("/report", "must be a JSON object");
    }
    // Reports are shown to users, some publicly, and may quote what a model printed.
    text.cleanStrings(report);
    switch (types.of(job).complete(job, reportObject, command)) {
      case Completion.Refused(String reason) -> failNow(job, reason, false);
      case Completion.Recorded(Long versionId) -> {
        job.succeed(report.toString(), versionId);
        changed.fire(new JobChanged(job.id, job.state));
      }
    }
    return JobService.viewOf(job);
  }

  /** A worker gives up: retryable failures go back to the queue while attempts remain. */
  @Transactional
  public JobView fail(UUID id, UUID lease, Failure failure) {
    Job job = leased(id, lease, LockModeType.PESSIMISTIC_WRITE);
    String reason =
        failure == null || failure.error() == null || failure.error().isBlank()
            ? "the worker reported a failure without a reason"
            : text.clean(failure.error());
    boolean retry =
        failure != null && Boolean.TRUE.equals(failure.retryable()) && job.attemptsLeft();
    if (retry) {
      job.requeue("attempt " + job.attempts + " failed (" + reason + "); queued again");
      changed.fire(new JobChanged(job.id, job.state));
    } else {
      failNow(job, reason, true);
    }
    return JobService.viewOf(job);
  }

  /**
   * @param fromWorker whether a worker reported {@code reason}: then it may quote the model, and
   *     the public validation log does not show it
   */
  private void failNow(Job job, String reason, boolean fromWorker) {
    job.fail(reason);
    failed(job, fromWorker);
  }

  /** What a job's failure changes besides its row, and who hears of it. */
  private void failed(Job job, boolean fromWorker) {
    types.of(job).failed(job, fromWorker);
    changed.fire(new JobChanged(job.id, job.state));
  }

  /**
   * A validation's verdict changes its source learnware ({@link JobType#writesSource}), and
   * deleting a version of that learnware changes the job's row (its source becomes null): both take
   * the learnware's lock before the job's, so that the two never wait on each other.
   */
  private void lockSourceFirst(UUID id) {
    Job job = em.find(Job.class, id);
    if (job != null) {
      // Read again under its own lock: a deletion may have changed it in the meantime.
      em.detach(job);
      if (types.of(job).writesSource()) {
        learnwares.lockLearnwareOf(job.sourceVersionId);
      }
    }
  }

  /**
   * A result that records a version writes to learnwares other than the job's row: its target's,
   * and those of {@link JobType#resultSources} (a distillation's or transfer's source for the
   * lineage edge, a publishing reuse job's members for the pins). They are locked before the job's
   * row, in id order: the market's lock order (learnwares, then jobs; see {@link
   * EnsemblePins#lockLearnwares}).
   */
  private void lockResultLearnwares(UUID id) {
    Job job = em.find(Job.class, id);
    if (job == null) {
      return;
    }
    em.detach(job);
    if (job.targetOwner == null) {
      return;
    }
    List<String> refs = types.of(job).resultSources(job);
    if (refs.isEmpty()) {
      return;
    }
    List<String> keys = new ArrayList<>();
    for (String ref : refs) {
      keys.add(ref.substring(0, ref.indexOf('@')));
    }
    keys.add(job.targetOwner + "/" + job.targetName);
    EnsemblePins.lockLearnwares(keys);
  }

  /** The job, locked as asked, if {@code lease} is its current lease; 409 otherwise. */
  private Job leased(UUID id, UUID lease, LockModeType lock) {
    lockSourceFirst(id);
    Job job = em.find(Job.class, id, lock);
    if (job == null) {
      throw new MarketException.NotFound("No job " + id + ".");
    }
    if (!job.holds(lease)) {
      throw new MarketException.Conflict(
          "The lease on job "
              + id
              + " is not held (the job is "
              + job.state
              + (job.state == JobState.CANCELLED ? ", cancelled" : "")
              + "); nothing was changed.");
    }
    return job;
  }

  private JsonNode json(String text, String pointer) {
    if (text == null) {
      throw new MarketException.InvalidInput(pointer, "is required");
    }
    try {
      return mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MarketException.InvalidInput(
          pointer, "is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** A worker's result: the report, and for jobs that create a version its spec and artifacts. */
  public record CompleteCommand(
      String report, String spec, StagedFile model, List<StagedFile> files) {}
}
