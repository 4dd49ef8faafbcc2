package io.learnware.worker.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.client.worker.Claim;
import io.learnware.spec.SpecDocuments;
import io.learnware.worker.job.JobCancelledException;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobExecutor;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobFault;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.JobProgress;
import io.learnware.worker.job.SourceInputs;
import io.learnware.worker.model.Devices;
import io.learnware.worker.sandbox.SandboxExecutor;
import io.learnware.worker.sandbox.SandboxLimits;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker node: claims jobs of the types it has handlers for, runs them while heartbeating their
 * lease with progress, reports results or failures. It only speaks HTTP to the market.
 *
 * <p>Required: {@link Builder#setServer}, {@link Builder#setToken}. Optional: {@link
 * Builder#optTypes} (default: every installed handler), {@link Builder#optDevice} ({@code auto}),
 * {@link Builder#optGpus} (all), {@link Builder#optCache}, {@link Builder#optWorkerId}, {@link
 * Builder#optShutdownGrace}, {@link Builder#optMaxJobTime}, {@link Builder#optMaxValidationTime},
 * {@link Builder#optSandbox}, {@link Builder#optInsecureNoSandbox}.
 *
 * <p>Every job runs in a sandboxed process of its own ({@link SandboxExecutor}): a model is code
 * from a stranger. A worker refuses to start where no sandbox can be made, unless told to run
 * models in its own process with {@link Builder#optInsecureNoSandbox}.
 *
 * <p>The worker runs one job at a time on each of its devices ({@link Devices#slots}): on the CPU,
 * or on each GPU it uses, each job pinned to its GPU.
 *
 * <p>{@link #stop()} lets running jobs finish within the grace period, then releases them to the
 * queue (a retryable failure), so that other workers take them over at once.
 */
public final class Worker {

  private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
  private static final Duration MIN_HEARTBEAT = Duration.ofMillis(200);

  /** Often enough that a cancelled job's process is killed within a few seconds. */
  private static final Duration MAX_HEARTBEAT = Duration.ofSeconds(2);

  private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);

  /** One job's default time limit: long trainings fit, runaway ones end. */
  public static final Duration DEFAULT_MAX_JOB_TIME = Duration.ofHours(6);

  /** A system property naming a natives folder for every worker of this JVM (tests share one). */
  public static final String NATIVES_PROPERTY = "learnware-worker.natives";

  /** A validation's default time limit: probing a model takes seconds, a hostile one forever. */
  public static final Duration DEFAULT_MAX_VALIDATION_TIME = Duration.ofMinutes(2);

  private final ProtocolClient client;
  private final Map<String, JobHandler> handlers;
  private final List<String> slots;
  private final String workerId;
  private final Path scratch;
  private final Duration grace;
  private final Duration maxJobTime;
  private final Duration maxValidationTime;
  private final JobExecutor executor;
  private final SandboxExecutor sandbox;
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("heartbeat").factory());
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<Slot> active = new CopyOnWriteArrayList<>();
  private volatile boolean stopping;

  /** The job in progress, so that a shutdown can release it. */
  private record Running(String id, String lease) {}

  private Worker(Builder builder) {
    try {
      // Inputs and scratch folders are this worker's alone; jobs see only what is bound for them.
      Files.createDirectories(builder.cache);
      Files.setPosixFilePermissions(builder.cache, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare the cache " + builder.cache, e);
    }
    this.client = new ProtocolClient(builder.server, builder.token, builder.cache);
    this.scratch = builder.cache.resolve("jobs");
    Map<String, JobHandler> installed = new HashMap<>();
    ServiceLoader.load(JobHandler.class).forEach(h -> installed.put(h.type(), h));
    List<String> wanted = builder.types == null ? List.copyOf(installed.keySet()) : builder.types;
    this.handlers = new HashMap<>();
    for (String type : wanted) {
      JobHandler handler = installed.get(type);
      if (handler == null) {
        throw new IllegalArgumentException(
            "no handler for job type '" + type + "'; installed: " + installed.keySet());
      }
      handlers.put(type, handler);
    }
    // Checked here, so that a GPU that is not there is an error at start, not in the first job.
    this.slots =
        builder.gpuCount >= 0
            ? Devices.slots(builder.device, builder.gpus, builder.gpuCount)
            : Devices.slots(builder.device, builder.gpus);
    this.workerId = builder.workerId;
    this.grace = builder.grace;
    this.maxJobTime = builder.maxJobTime;
    this.maxValidationTime = builder.maxValidationTime;
    if (builder.insecureNoSandbox) {
      LOG.warn(
          "*** INSECURE: --insecure-no-sandbox: models run inside this worker's own process, with"
              + " its files, token and network. Run such a worker only for models you trust. ***");
      this.sandbox = null;
      this.executor = (type, context) -> handlers.get(type).run(context);
    } else {
      Optional<String> unavailable = SandboxExecutor.unavailable();
      if (unavailable.isPresent()) {
        throw new IllegalStateException(
            "no sandbox can be made for models on this machine: "
                + unavailable.get()
                + ". Install bubblewrap, or run only trusted models with --insecure-no-sandbox");
      }
      this.sandbox =
          SandboxExecutor.builder()
              .setNatives(
                  builder.natives != null ? builder.natives : builder.cache.resolve("natives"))
              .optLimits(builder.limits)
              .optUser(builder.sandboxUser)
              .build();
      this.executor = sandbox;
    }
  }

  /** Whether models run in a sandbox (false only with {@link Builder#optInsecureNoSandbox}). */
  public boolean sandboxed() {
    return sandbox != null;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The job types this worker claims. */
  public List<String> types() {
    return handlers.keySet().stream().sorted().toList();
  }

  /** The devices this worker runs jobs on, one job at a time each: {@code cpu} or {@code gpu:N}. */
  public List<String> slots() {
    return slots;
  }

  /** Claims and runs jobs, one at a time on each device, until {@link #stop()}. */
  public void run() {
    LOG.info(
        "worker {} claims {} on {} ({})",
        workerId,
        types(),
        slots,
        sandbox != null ? "sandboxed: " + sandbox.limits() : "NOT sandboxed");
    List<Thread> others = new ArrayList<>();
    try {
      if (sandbox != null) {
        try {
          warmUp();
        } catch (InterruptedException e) {
          return;
        }
      }
      for (String device : slots.subList(1, slots.size())) {
        Slot slot = new Slot(device);
        others.add(Thread.ofPlatform().name("worker-" + device).start(slot::loop));
      }
      new Slot(slots.getFirst()).loop();
      for (Thread other : others) {
        other.join();
      }
    } catch (InterruptedException e) {
      others.forEach(Thread::interrupt);
    } finally {
      heartbeats.shutdownNow();
      stopped.countDown();
    }
  }

  /**
   * Stops claiming; waits up to the grace period for running jobs, then releases them. Returns when
   * every device's loop has ended.
   */
  public void stop() {
    stopping = true;
    for (Slot slot : active) {
      if (slot.running == null) {
        slot.thread.interrupt(); // only a claim is waiting
      }
    }
    try {
      if (!stopped.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        for (Slot slot : active) {
          Running still = slot.running;
          if (still != null) {
            LOG.info("releasing job {} on shutdown", still.id());
            try {
              client.fail(still.id(), still.lease(), "the worker shut down; released", true);
            } catch (IOException e) {
              LOG.warn("could not release job {}: {}", still.id(), e.getMessage());
            }
          }
          slot.thread.interrupt();
        }
        stopped.await(grace.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One device's claim loop: claims jobs for its device and runs them one after another. */
  private final class Slot {
    private final String device;
    private final String claimant;
    private volatile Thread thread;
    private volatile Running running;

    Slot(String device) {
      this.device = device;
      // A worker with several GPUs claims once per GPU; each job names the GPU it ran on.
      this.claimant = slots.size() == 1 ? workerId : workerId + "/" + device;
    }

    void loop() {
      thread = Thread.currentThread();
      active.add(this);
      try {
        while (!stopping) {
          try {
            Optional<Claim> job = client.claim(claimant, types(), device);
            if (job.isPresent()) {
              runJob(job.get(), this);
            }
          } catch (InterruptedException e) {
            if (!stopping) {
              Thread.currentThread().interrupt();
            }
            return;
          } catch (IOException e) {
            LOG.warn("cannot reach the market ({}); retrying", e.getMessage());
            sleepQuietly(RETRY_PAUSE);
          }
        }
      } finally {
        active.remove(this);
      }
    }
  }

  /** Unpacks the engines for the sandbox; retried until it works or the worker stops. */
  private void warmUp() throws InterruptedException {
    while (!stopping) {
      try {
        sandbox.warmUp();
        return;
      } catch (IOException | JobFault e) {
        LOG.warn("cannot prepare the sandbox ({}); retrying", e.getMessage());
        Thread.sleep(RETRY_PAUSE);
      }
    }
  }

  private void runJob(Claim claim, Slot slot) throws InterruptedException {
    String id = claim.id();
    String lease = claim.leaseId();
    String type = claim.type();
    slot.running = new Running(id, lease);
    Duration timeLimit = timeLimit(type);
    Progress progress = new Progress(id, lease, Instant.now().plus(timeLimit));
    Duration leaseLeft = Duration.between(Instant.now(), Instant.parse(claim.leaseExpiresAt()));
    long every =
        Math.clamp(leaseLeft.toMillis() / 3, MIN_HEARTBEAT.toMillis(), MAX_HEARTBEAT.toMillis());
    ScheduledFuture<?> beat =
        heartbeats.scheduleAtFixedRate(progress::beat, every, every, TimeUnit.MILLISECONDS);
    Path workDir = null;
    try {
      workDir = Files.createDirectories(scratch).resolve(id);
      Files.createDirectories(workDir);
      LOG.info(
          "job {} ({}) on {}: started on {}", id, type, claim.source().learnware(), slot.device);
      JobOutcome outcome = executor.execute(type, context(claim, workDir, progress, slot.device));
      if (outcome.report() instanceof ObjectNode report) {
        report.put("device", slot.device); // the host's GPU index, not the sandbox's
      }
      beat.cancel(false);
      if (progress.lost) {
        LOG.info("job {}: lease lost; result dropped", id);
      } else if (client.complete(
          id,
          lease,
          outcome.report(),
          outcome.resultSpec().orElse(null),
          outcome.resultModel().orElse(null),
          outcome.resultFiles())) {
        LOG.info("job {}: done", id);
      } else {
        LOG.info("job {}: result refused, the lease was lost", id);
      }
    } catch (JobFailure failure) {
      beat.cancel(false);
      LOG.info("job {}: failed: {}", id, failure.getMessage());
      report(() -> client.fail(id, lease, failure.getMessage(), false));
    } catch (JobCancelledException cancelled) {
      beat.cancel(false);
      if (progress.overtime && !progress.lost) {
        String reason =
            "the job went past its wall time limit (%s, %s); ask for less work (fewer epochs or"
                    .formatted(
                        timeLimit.toString().substring(2).toLowerCase(java.util.Locale.ROOT),
                        type.equals("validate") ? "--max-validation-time" : "--max-job-time")
                + " generations, a smaller data set) or use a worker with a higher limit";
        LOG.info("job {}: failed: {}", id, reason);
        report(() -> client.fail(id, lease, reason, false));
      } else {
        LOG.info("job {}: cancelled", id);
      }
    } catch (OutOfMemoryError e) {
      // The job's own arrays are unreachable once its handler has thrown, so the worker goes on.
      beat.cancel(false);
      String reason =
          "the job needs more memory than this worker has (Java heap %d MiB); use a smaller data"
                  .formatted(Runtime.getRuntime().maxMemory() >> 20)
              + " set or batch size, or a worker with more memory";
      LOG.warn("job {}: failed: {}", id, reason, e);
      report(() -> client.fail(id, lease, reason, false));
    } catch (InterruptedException e) {
      throw e;
    } catch (JobFault e) {
      beat.cancel(false);
      LOG.warn("job {}: worker error: {}", id, e.getMessage());
      report(() -> client.fail(id, lease, "worker error: " + e.getMessage(), true));
    } catch (Exception e) {
      beat.cancel(false);
      LOG.warn("job {}: worker error", id, e);
      report(() -> client.fail(id, lease, "worker error: " + e, true));
    } finally {
      beat.cancel(false);
      slot.running = null;
      deleteQuietly(workDir);
    }
  }

  private Duration timeLimit(String type) {
    return type.equals("validate") ? maxValidationTime : maxJobTime;
  }

  private JobContext context(Claim claim, Path workDir, JobProgress progress, String device)
      throws IOException, InterruptedException {
    String lease = claim.leaseId();
    SourceInputs source = download(claim.source(), lease);
    // A reuse job's members: the source, then the learnwares combined with it.
    List<SourceInputs> members = new ArrayList<>();
    if (claim.sources() != null) {
      members.add(source);
      for (Claim.Source other : claim.sources()) {
        members.add(download(other, lease));
      }
    }
    Claim.Dataset dataset = claim.dataset();
    Optional<Path> data = Optional.empty();
    Optional<Path> labels = Optional.empty();
    if (dataset != null) {
      data = Optional.of(client.artifact(dataset.data(), lease));
      if (dataset.labels() != null) {
        labels = Optional.of(client.artifact(dataset.labels(), lease));
      }
    }
    JsonNode params = claim.params();
    return new JobContext(
        claim.id(),
        params != null && params.isObject() ? params : SpecDocuments.mapper().createObjectNode(),
        source.spec(),
        source.specDocument(),
        source.model(),
        source.files(),
        data,
        labels,
        workDir,
        device,
        progress,
        members,
        source.members());
  }

  /**
   * A version's model and files, by SHA-256 through the cache; for a published ensemble, its
   * members' too (the claim lists them in the manifest's order).
   */
  private SourceInputs download(Claim.Source source, String lease)
      throws IOException, InterruptedException {
    Path model = client.artifact(source.model(), lease);
    Map<String, Path> files = new HashMap<>();
    for (Claim.Artifact file : source.files()) {
      files.put(file.filename(), client.artifact(file, lease));
    }
    List<SourceInputs> members = new ArrayList<>();
    for (Claim.Source member : source.members()) {
      members.add(download(member, lease));
    }
    return new SourceInputs(
        source.learnware(),
        SpecDocuments.parse(source.spec()),
        source.spec(),
        model,
        files,
        members);
  }

  /** Progress a handler reports, sent with each heartbeat; a refused heartbeat means lost. */
  private final class Progress implements JobProgress {
    private final String id;
    private final String lease;
    private volatile double fraction;
    private volatile String message = "started";
    private volatile boolean lost;
    private final Instant deadline;
    private volatile boolean overtime;

    Progress(String id, String lease, Instant deadline) {
      this.id = id;
      this.lease = lease;
      this.deadline = deadline;
    }

    @Override
    public void report(double fraction, String message) {
      this.fraction = fraction;
      this.message = Objects.requireNonNullElse(message, this.message);
    }

    /** Lost leases and jobs past this worker's time limit stop at the handler's next step. */
    @Override
    public boolean cancelled() {
      if (!overtime && Instant.now().isAfter(deadline)) {
        overtime = true;
      }
      return lost || overtime;
    }

    void beat() {
      try {
        if (!lost && !client.heartbeat(id, lease, fraction, message)) {
          lost = true;
          LOG.info("job {}: lease lost (cancelled or expired)", id);
        }
      } catch (IOException e) {
        LOG.warn("job {}: heartbeat failed ({}); will retry", id, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @FunctionalInterface
  private interface Call {
    boolean run() throws IOException, InterruptedException;
  }

  private static void report(Call call) throws InterruptedException {
    try {
      call.run();
    } catch (IOException e) {
      LOG.warn("could not report to the market: {}", e.getMessage());
    }
  }

  private static void sleepQuietly(Duration pause) {
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.getMessage());
    }
  }

  /** Builds a {@link Worker}. */
  public static final class Builder {
    private URI server;
    private String token;
    private List<String> types;
    private String device = "auto";
    private String gpus = "all";
    private int gpuCount = -1;
    private Path cache = Path.of(System.getProperty("java.io.tmpdir"), "learnware-worker");
    private String workerId = defaultId();
    private Duration grace = Duration.ofSeconds(30);
    private Duration maxJobTime = DEFAULT_MAX_JOB_TIME;
    private Duration maxValidationTime = DEFAULT_MAX_VALIDATION_TIME;
    private SandboxLimits limits = SandboxLimits.defaults();
    private int sandboxUser = SandboxExecutor.DEFAULT_USER;
    private boolean insecureNoSandbox;
    private Path natives =
        Optional.ofNullable(System.getProperty(NATIVES_PROPERTY)).map(Path::of).orElse(null);

    private Builder() {}

    /**
     * Where the engines' native libraries are unpacked for sandboxed jobs (about 450 MB), default
     * {@code <cache>/natives} or the system property {@value #NATIVES_PROPERTY}; workers may share
     * it.
     */
    public Builder optNatives(Path natives) {
      this.natives = natives;
      return this;
    }

    public Builder setServer(URI server) {
      this.server = server;
      return this;
    }

    public Builder setToken(String token) {
      this.token = token;
      return this;
    }

    public Builder optTypes(List<String> types) {
      this.types = List.copyOf(types);
      return this;
    }

    /**
     * {@code auto} (every GPU, or the CPU without one), {@code cpu}, {@code gpu} (every GPU) or
     * {@code gpu:N}; see {@link Devices#slots}.
     */
    public Builder optDevice(String device) {
      this.device = device;
      return this;
    }

    /** Pretends this machine has {@code count} GPUs: tests of several devices on a CPU. */
    Builder optGpuCount(int count) {
      this.gpuCount = count;
      return this;
    }

    /**
     * The GPUs {@code auto} and {@code gpu} use: {@code all} (default) or indices, e.g. {@code
     * 0,1}.
     */
    public Builder optGpus(String gpus) {
      this.gpus = gpus;
      return this;
    }

    /** Where downloaded inputs (by SHA-256) and job scratch directories go. */
    public Builder optCache(Path cache) {
      this.cache = cache;
      return this;
    }

    public Builder optWorkerId(String workerId) {
      this.workerId = workerId;
      return this;
    }

    /** How long {@link #stop()} lets a running job finish before releasing it. */
    public Builder optShutdownGrace(Duration grace) {
      this.grace = grace;
      return this;
    }

    /**
     * How long one job may run (default {@link #DEFAULT_MAX_JOB_TIME}); past it the job fails with
     * that reason at its handler's next step.
     */
    public Builder optMaxJobTime(Duration limit) {
      if (limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException("the job time limit must be positive, got " + limit);
      }
      this.maxJobTime = limit;
      return this;
    }

    /** How long a validation may run (default {@link #DEFAULT_MAX_VALIDATION_TIME}). */
    public Builder optMaxValidationTime(Duration limit) {
      if (limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException(
            "the validation time limit must be positive, got " + limit);
      }
      this.maxValidationTime = limit;
      return this;
    }

    /** What each sandboxed job may use (default {@link SandboxLimits#defaults()}). */
    public Builder optSandbox(SandboxLimits limits) {
      this.limits = limits;
      return this;
    }

    /** The unprivileged user sandboxed jobs run as when the worker is root (default 65534). */
    public Builder optSandboxUser(int uid) {
      this.sandboxUser = uid;
      return this;
    }

    /**
     * Runs models inside the worker's own process, with its files, token and network: only for
     * models the operator trusts, on machines where no sandbox can be made. Logged loudly.
     */
    public Builder optInsecureNoSandbox(boolean insecure) {
      this.insecureNoSandbox = insecure;
      return this;
    }

    public Worker build() {
      if (server == null || token == null || token.isBlank()) {
        throw new IllegalStateException("setServer and setToken are required");
      }
      return new Worker(this);
    }

    private static String defaultId() {
      String host = System.getenv().getOrDefault("HOSTNAME", "worker");
      return host + "-" + ProcessHandle.current().pid();
    }
  }
}
