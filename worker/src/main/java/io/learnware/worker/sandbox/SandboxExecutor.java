package io.learnware.worker.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.worker.job.JobCancelledException;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobExecutor;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobFault;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.SourceInputs;
import io.learnware.worker.sandbox.SandboxProtocol.Input;
import io.learnware.worker.sandbox.SandboxProtocol.Message;
import io.learnware.worker.sandbox.SandboxProtocol.Outcome;
import io.learnware.worker.sandbox.SandboxProtocol.Request;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each job in its own sandboxed process (bubblewrap; see {@link Bubblewrap}): the model's code
 * never runs in the worker. The job process sees the system's {@code /usr}, the Java runtime and
 * class path, the unpacked engine libraries and the job's inputs, all read-only; one writable
 * scratch folder; a private {@code /tmp}; no network, no token, nothing else of this machine. It
 * runs as an unprivileged user under the {@link SandboxLimits}, and is killed at once when the job
 * is cancelled, its lease is lost or its time is up.
 *
 * <p>A job on {@code gpu:N} sees that GPU alone ({@code CUDA_VISIBLE_DEVICES}); its memory limit is
 * on resident size, watched by the worker, since CUDA reserves far more address space than it uses.
 *
 * <p>Required: {@link Builder#setNatives}. Optional: {@link Builder#optLimits}, {@link
 * Builder#optUser}.
 */
public final class SandboxExecutor implements JobExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxExecutor.class);

  /** The user jobs run as when the worker is root: {@code nobody}. */
  public static final int DEFAULT_USER = 65534;

  private static final Path JOB = Path.of("/job");
  private static final Path IN = JOB.resolve("in");
  private static final Path SCRATCH = JOB.resolve("scratch");
  private static final Path NATIVES = Path.of("/opt/natives");
  private static final long POLL_MILLIS = 100;
  private static final long SIZE_CHECK_MILLIS = 2000;

  /** Files a job may leave in its scratch folder: millions of empty ones would exhaust inodes. */
  private static final int MAX_FILES = 100_000;

  private static final Duration PROBE_TIME = Duration.ofSeconds(20);

  private final SandboxLimits limits;
  private final Path natives;
  private final int uid;
  private final boolean root = isRoot();
  private final boolean residentMemoryWatch;

  private SandboxExecutor(Builder builder) {
    this.limits = builder.limits;
    this.natives = builder.natives;
    this.uid = builder.uid;
    this.residentMemoryWatch = builder.residentMemoryWatch;
  }

  public static Builder builder() {
    return new Builder();
  }

  public SandboxLimits limits() {
    return limits;
  }

  /** Why no sandbox can be made on this machine, or empty when one can. */
  public static Optional<String> unavailable() {
    return unavailable(List.of(Bubblewrap.BWRAP, Bubblewrap.PRLIMIT, Bubblewrap.SETPRIV));
  }

  /** {@link #unavailable()} with these tools: bubblewrap, prlimit, setpriv. */
  static Optional<String> unavailable(List<Path> tools) {
    for (Path tool : tools) {
      if (!Files.isExecutable(tool)) {
        return Optional.of(
            tool
                + " is missing (install the Debian packages bubblewrap and util-linux: apt-get"
                + " install bubblewrap)");
      }
    }
    List<String> probe =
        new Bubblewrap()
            .command(isRoot(), DEFAULT_USER, SandboxLimits.defaults(), List.of("/usr/bin/true"));
    try {
      Process process = new ProcessBuilder(probe).redirectErrorStream(true).start();
      process.getOutputStream().close();
      if (!process.waitFor(PROBE_TIME.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return Optional.of("bubblewrap did not start a sandbox within " + PROBE_TIME);
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return process.exitValue() == 0
          ? Optional.empty()
          : Optional.of("bubblewrap cannot make a sandbox here: " + output.strip());
    } catch (IOException e) {
      return Optional.of("bubblewrap cannot be run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while trying bubblewrap");
    }
  }

  /**
   * Unpacks the engines' native libraries into the natives folder, in a sandbox that may write
   * there and runs no model, so that jobs find them read-only. Quick when they are there already.
   */
  public void warmUp() throws IOException, InterruptedException, JobFault {
    Files.createDirectories(natives);
    Files.setPosixFilePermissions(natives, PosixFilePermissions.fromString("rwxr-xr-x"));
    owner(natives, uid);
    Bubblewrap sandbox = base().writable(natives, NATIVES);
    // It runs no model, and unpacks libtorch_cpu.so (446 MB): no smaller output limit holds it.
    SandboxLimits unpacking =
        new SandboxLimits(
            limits.memoryBytes(),
            limits.cpuTime(),
            limits.processes(),
            Math.max(limits.outputBytes(), SandboxLimits.DEFAULT_OUTPUT));
    Process process = start(sandbox, List.of("--warm-up"), unpacking);
    process.getOutputStream().close();
    JobProcessOutput watch = new JobProcessOutput(process, SandboxProtocol.PREFIX);
    boolean done = process.waitFor(10, TimeUnit.MINUTES);
    if (!done) {
      kill(process);
    }
    watch.join();
    // The unpacked libraries belong to the worker again; jobs only read them.
    owner(natives, currentUid());
    try (Stream<Path> files = Files.walk(natives)) {
      for (Path file : files.toList()) {
        Files.setPosixFilePermissions(
            file,
            PosixFilePermissions.fromString(Files.isDirectory(file) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    if (watch.started.get() == null) {
      throw new JobFault(
          "the sandbox could not load the engines (exit status %s): %s"
              .formatted(done ? process.exitValue() : "timeout", watch.stderrTail()));
    }
  }

  @Override
  public JobOutcome execute(String type, JobContext context) throws Exception {
    Path scratch = Files.createDirectories(context.workDir().resolve("scratch"));
    owner(scratch, uid);
    Bubblewrap sandbox =
        base().readOnly(natives, NATIVES).writable(scratch, SCRATCH).chdir(SCRATCH);
    String device = context.device();
    boolean watchResident = residentMemoryWatch;
    if (device.startsWith("gpu:")) {
      device = pinGpu(sandbox, Integer.parseInt(device.substring(4)));
      watchResident = true;
    }
    if (watchResident) {
      sandbox.withoutAddressSpaceLimit();
    }
    Inputs inputs = new Inputs(sandbox);
    Input source = inputs.of("source", context.sourceModel(), context.sourceFiles(), context);
    List<Input> members = new ArrayList<>();
    for (int i = 0; i < context.sources().size(); i++) {
      SourceInputs member = context.sources().get(i);
      members.add(inputs.member("member" + i, member));
    }
    String key = SandboxProtocol.newKey();
    Request request =
        new Request(
            key,
            context.jobId(),
            type,
            context.params(),
            source,
            members,
            context.dataset().map(p -> inputs.file(p, "dataset")).orElse(null),
            context.datasetLabels().map(p -> inputs.file(p, "labels")).orElse(null),
            device,
            SCRATCH.toString());

    Process process = start(sandbox, List.of(), limits);
    JobProcessOutput watch = new JobProcessOutput(process, SandboxProtocol.prefix(key));
    try (OutputStream in = process.getOutputStream()) {
      in.write(SandboxProtocol.JSON.writeValueAsBytes(request));
    } catch (IOException e) {
      // The process ended before reading its job; how it ended is judged below.
    }
    try {
      long nextSizeCheck = System.currentTimeMillis() + SIZE_CHECK_MILLIS;
      while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        Message progress = watch.progress.getAndSet(null);
        if (progress != null) {
          context.progress().report(progress.progress(), progress.message());
        }
        if (context.progress().cancelled()) {
          throw new JobCancelledException();
        }
        if (watchResident && resident(process) > limits.memoryBytes()) {
          throw new JobFailure(SandboxFailures.residentMemory(limits));
        }
        if (System.currentTimeMillis() >= nextSizeCheck) {
          nextSizeCheck = System.currentTimeMillis() + SIZE_CHECK_MILLIS;
          if (size(scratch) > limits.outputBytes()) {
            throw new JobFailure(SandboxFailures.output(limits));
          }
        }
      }
    } finally {
      // Whatever ends the wait (cancel, a limit, the worker stopping), the job process ends too.
      if (process.isAlive()) {
        kill(process);
      }
    }
    watch.join();
    return result(process.exitValue(), watch, scratch);
  }

  private JobOutcome result(int status, JobProcessOutput watch, Path scratch)
      throws JobFailure, JobFault {
    Message last = watch.last.get();
    if (watch.oversized) {
      throw new JobFailure(
          "the job's result was larger than the worker accepts (%d MiB of JSON)"
              .formatted(JobProcessOutput.MAX_LINE >> 20));
    }
    if (last != null && last.outcome() != null) {
      return outcome(last.outcome(), scratch);
    }
    if (last != null && last.failure() != null) {
      if (Boolean.TRUE.equals(last.retryable())) {
        throw new JobFault(last.failure());
      }
      throw new JobFailure(last.failure());
    }
    if (watch.started.get() == null) {
      throw new JobFault(
          "the sandbox did not start (exit status %d): %s".formatted(status, watch.stderrTail()));
    }
    LOG.info("job process ended with status {}; its last output: {}", status, watch.stderrTail());
    throw new JobFailure(SandboxFailures.ended(status, watch.stderrTail(), limits));
  }

  /** The job's outcome with its files checked: regular files inside the scratch folder. */
  private JobOutcome outcome(Outcome outcome, Path scratch) throws JobFailure {
    if (outcome.report() == null || !outcome.report().isObject()) {
      throw new JobFailure("the job produced no report");
    }
    Optional<Path> model =
        outcome.model() == null
            ? Optional.empty()
            : Optional.of(resultFile(scratch, outcome.model()));
    Map<String, Path> files = new LinkedHashMap<>();
    if (outcome.files() != null) {
      for (Map.Entry<String, String> file : outcome.files().entrySet()) {
        files.put(file.getKey(), resultFile(scratch, file.getValue()));
      }
    }
    return new JobOutcome(
        outcome.report(),
        Optional.ofNullable(outcome.spec()).filter(JsonNode::isObject),
        model,
        files,
        Optional.ofNullable(outcome.usable()));
  }

  private Path resultFile(Path scratch, String relative) throws JobFailure {
    try {
      Path root = scratch.toRealPath();
      Path file = root.resolve(relative).normalize();
      // toRealPath follows every link: whatever the job made, the file must end up inside.
      if (!file.startsWith(root) || !file.toRealPath().startsWith(root)) {
        throw new JobFailure("the job named a result outside its scratch folder: " + relative);
      }
      BasicFileAttributes attributes =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) {
        throw new JobFailure("the job named a result that is not a regular file: " + relative);
      }
      if (attributes.size() > limits.outputBytes()) {
        throw new JobFailure(SandboxFailures.output(limits));
      }
      return file;
    } catch (IOException e) {
      throw new JobFailure("the job named a result that cannot be read: " + relative);
    }
  }

  /** The sandbox every job process starts from: runtime, class path, environment. */
  private Bubblewrap base() throws IOException {
    Bubblewrap sandbox = new Bubblewrap().tmpSize(limits.outputBytes());
    Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
    if (!javaHome.startsWith("/usr")) {
      sandbox.readOnly(javaHome, javaHome);
    }
    for (Path entry : ClassPath.entries()) {
      if (!entry.startsWith("/usr")) {
        sandbox.readOnly(entry, entry);
      }
    }
    return sandbox
        .env("PATH", "/usr/bin")
        .env("HOME", "/tmp")
        .env("LANG", "C.UTF-8")
        .env("ENGINE_CACHE_DIR", NATIVES.toString())
        .env("DJL_CACHE_DIR", "/tmp/djl")
        // glibc's per-thread arenas would reserve 64 MiB of address space per thread.
        .env("MALLOC_ARENA_MAX", "2");
  }

  private Process start(Bubblewrap sandbox, List<String> args, SandboxLimits limits)
      throws IOException {
    List<String> program = new ArrayList<>();
    program.add(
        Path.of(System.getProperty("java.home")).toRealPath().resolve("bin/java").toString());
    program.add("-Xmx" + (limits.heapBytes() >> 20) + "m");
    program.add("-XX:ReservedCodeCacheSize=128m");
    program.add("-XX:CompressedClassSpaceSize=128m");
    program.add("-Djava.io.tmpdir=/tmp");
    program.add("-Dai.djl.offline=true");
    // The worker's engine settings (thread pools) hold for its jobs too.
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith("ai.djl.") && !name.equals("ai.djl.offline"))
        .sorted()
        .forEach(name -> program.add("-D" + name + "=" + System.getProperty(name)));
    program.addAll(limits.asSystemProperties());
    program.add("-cp");
    program.add(String.join(":", ClassPath.entries().stream().map(Path::toString).toList()));
    program.add(SandboxChild.class.getName());
    program.addAll(args);
    return new ProcessBuilder(sandbox.command(root, uid, limits, program)).start();
  }

  /**
   * Gives the sandbox one GPU: its device file and the driver's control files, nothing else of
   * {@code /dev}; CUDA inside sees it as its only GPU. Returns the job's device inside.
   */
  private static String pinGpu(Bubblewrap sandbox, int index) throws JobFault {
    Path gpu = Path.of("/dev/nvidia" + index);
    if (!Files.exists(gpu)) {
      throw new JobFault("GPU " + index + " has no device file " + gpu);
    }
    sandbox.device(gpu);
    for (String control :
        List.of("nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset")) {
      Path file = Path.of("/dev", control);
      if (Files.exists(file)) {
        sandbox.device(file);
      }
    }
    sandbox.env("CUDA_VISIBLE_DEVICES", Integer.toString(index));
    return "gpu:0";
  }

  /** The resident memory of the job process and everything it started, in bytes. */
  private static long resident(Process process) {
    return Stream.concat(Stream.of(process.toHandle()), process.descendants())
        .mapToLong(p -> residentBytes(p.pid()))
        .sum();
  }

  private static long residentBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).replace("kB", "").strip()) << 10;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // The process ended meanwhile.
    }
    return 0;
  }

  /** Kills the job process and everything it started; bubblewrap's PID namespace ends with it. */
  private static void kill(Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(5, TimeUnit.SECONDS);
  }

  /** The folder's size in bytes; past {@link #MAX_FILES} files, more than any limit. */
  private static long size(Path folder) {
    long total = 0;
    int count = 0;
    try (Stream<Path> files = Files.walk(folder)) {
      for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
        Path file = it.next();
        if (++count > MAX_FILES) {
          return Long.MAX_VALUE;
        }
        try {
          total +=
              Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                  .size();
        } catch (IOException e) {
          // Deleted while walking.
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // The folder changed while walking; the next check counts again.
    }
    return total;
  }

  private void owner(Path path, int owner) throws IOException {
    if (!root) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      for (Path file : files.toList()) {
        Files.setAttribute(file, "unix:uid", owner, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(file, "unix:gid", owner, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  static boolean isRoot() {
    return currentUid() == 0;
  }

  private static int currentUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException e) {
      return -1;
    }
  }

  /** The job's input files, each bound read-only under {@code /job/in}. */
  private static final class Inputs {
    private final Bubblewrap sandbox;

    Inputs(Bubblewrap sandbox) {
      this.sandbox = sandbox;
    }

    Input of(String name, Path model, Map<String, Path> files, JobContext context) {
      return new Input(
          null,
          context.sourceSpecDocument(),
          file(model, name + "/" + safe(model.getFileName().toString())),
          files(name, files),
          members(name, context.sourceMembers()));
    }

    Input member(String name, SourceInputs member) {
      return new Input(
          member.learnware(),
          member.specDocument(),
          file(member.model(), name + "/" + safe(member.model().getFileName().toString())),
          files(name, member.files()),
          members(name, member.members()));
    }

    /** A published ensemble's members, each under its own folder; null for other formats. */
    private List<Input> members(String name, List<SourceInputs> members) {
      if (members.isEmpty()) {
        return null;
      }
      List<Input> inside = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        inside.add(member(name + "/member" + i, members.get(i)));
      }
      return inside;
    }

    private Map<String, String> files(String name, Map<String, Path> files) {
      Map<String, String> inside = new LinkedHashMap<>();
      int i = 0;
      for (Map.Entry<String, Path> file : files.entrySet()) {
        inside.put(
            file.getKey(), file(file.getValue(), name + "/file" + i++ + "/" + safe(file.getKey())));
      }
      return inside;
    }

    /** A file name as it may appear in a sandbox path (handlers and logs show it). */
    private static String safe(String filename) {
      return filename.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}") ? filename : "file";
    }

    /** Binds one input; the job user may read it (its folder, the worker's cache, stays closed). */
    String file(Path host, String name) {
      try {
        Files.setPosixFilePermissions(host, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Path inside = IN.resolve(name);
      sandbox.readOnly(host, inside);
      return inside.toString();
    }
  }

  /** Builds a {@link SandboxExecutor}. */
  public static final class Builder {
    private SandboxLimits limits = SandboxLimits.defaults();
    private Path natives;
    private int uid = DEFAULT_USER;
    private boolean residentMemoryWatch;

    private Builder() {}

    /** Where the engines' native libraries are unpacked ({@link #warmUp}); a folder of its own. */
    public Builder setNatives(Path natives) {
      this.natives = natives;
      return this;
    }

    public Builder optLimits(SandboxLimits limits) {
      this.limits = limits;
      return this;
    }

    /** The unprivileged user jobs run as when the worker runs as root (default 65534). */
    public Builder optUser(int uid) {
      if (uid <= 0) {
        throw new IllegalArgumentException("the sandbox user must not be root, got uid " + uid);
      }
      this.uid = uid;
      return this;
    }

    /**
     * Limits CPU jobs' memory as GPU jobs' is limited, by resident size instead of address space
     * (default off; GPU jobs always are): tests check the GPU path with it on a CPU.
     */
    Builder optResidentMemoryWatch(boolean watch) {
      this.residentMemoryWatch = watch;
      return this;
    }

    public SandboxExecutor build() {
      if (natives == null) {
        throw new IllegalStateException("setNatives is required");
      }
      return new SandboxExecutor(this);
    }
  }
}
