package io.learnware.worker.sandbox;

import io.learnware.spec.SpecDocuments;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.JobProgress;
import io.learnware.worker.job.SourceInputs;
import io.learnware.worker.sandbox.SandboxProtocol.Input;
import io.learnware.worker.sandbox.SandboxProtocol.Message;
import io.learnware.worker.sandbox.SandboxProtocol.Outcome;
import io.learnware.worker.sandbox.SandboxProtocol.Request;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The job process inside the sandbox: reads one {@link Request} from standard input, runs its
 * handler, and reports progress and the outcome on standard output (see {@link SandboxProtocol}).
 * It has no token and no network; the worker that started it does every download and upload.
 *
 * <p>With {@code --warm-up} it only loads the engines, so that their native libraries are unpacked
 * into the (then writable) native library folder before any model runs.
 */
public final class SandboxChild {

  private static final long PROGRESS_EVERY_NANOS = 200_000_000L;

  private final PrintStream protocol;

  /** The warm-up's until the job's request, with its key, has been read. */
  private String prefix = SandboxProtocol.PREFIX;

  private SandboxChild(PrintStream protocol) {
    this.protocol = protocol;
  }

  public static void main(String[] args) {
    // The protocol keeps the real standard output; Java code printing goes to standard error.
    PrintStream protocol =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    SandboxChild child = new SandboxChild(protocol);
    int status = args.length > 0 && args[0].equals("--warm-up") ? child.warmUp() : child.run();
    protocol.flush();
    // Threads a model or an engine left behind must not keep the process alive.
    Runtime.getRuntime().halt(status);
  }

  private int warmUp() {
    ai.djl.engine.Engine.getEngine("PyTorch");
    send(Message.hello());
    return 0;
  }

  private int run() {
    try {
      Request request = SandboxProtocol.JSON.readValue(System.in.readAllBytes(), Request.class);
      prefix = SandboxProtocol.prefix(request.key());
      JobHandler handler =
          ServiceLoader.load(JobHandler.class).stream()
              .map(ServiceLoader.Provider::get)
              .filter(h -> h.type().equals(request.type()))
              .findFirst()
              .orElseThrow(
                  () -> new IllegalStateException("no handler for job type " + request.type()));
      JobContext context = context(request);
      send(Message.hello());
      JobOutcome outcome = handler.run(context);
      SandboxFailures.annotate(outcome, SandboxLimits.fromSystemProperties());
      send(Message.ofOutcome(outcome(outcome, Path.of(request.workDir()))));
      return 0;
    } catch (JobFailure failure) {
      send(Message.ofFailure(failure.getMessage(), false));
      return 0;
    } catch (OutOfMemoryError e) {
      send(
          Message.ofFailure(
              SandboxFailures.outOfMemory(e, SandboxLimits.fromSystemProperties()), false));
      return 0;
    } catch (Exception e) {
      Optional<String> limit = SandboxFailures.of(e, SandboxLimits.fromSystemProperties());
      send(Message.ofFailure(limit.orElse(e.toString()), limit.isEmpty()));
      return 0;
    }
  }

  private JobContext context(Request request) {
    SourceInputs source = inputs(request.source());
    List<SourceInputs> sources =
        request.sources() == null
            ? List.of()
            : request.sources().stream().map(this::inputs).toList();
    return new JobContext(
        request.jobId(),
        request.params() == null ? SandboxProtocol.JSON.createObjectNode() : request.params(),
        source.spec(),
        source.specDocument(),
        source.model(),
        source.files(),
        Optional.ofNullable(request.dataset()).map(Path::of),
        Optional.ofNullable(request.labels()).map(Path::of),
        Path.of(request.workDir()),
        request.device(),
        new Progress(),
        sources,
        source.members());
  }

  private SourceInputs inputs(Input input) {
    Map<String, Path> files = new LinkedHashMap<>();
    input.files().forEach((name, path) -> files.put(name, Path.of(path)));
    return new SourceInputs(
        input.learnware(),
        SpecDocuments.parse(input.spec()),
        input.spec(),
        Path.of(input.model()),
        files,
        input.members() == null ? List.of() : input.members().stream().map(this::inputs).toList());
  }

  /** The outcome with its files inside the scratch folder, named relative to it. */
  private static Outcome outcome(JobOutcome outcome, Path workDir) throws IOException {
    String model = null;
    if (outcome.resultModel().isPresent()) {
      model = relative(outcome.resultModel().get(), workDir);
    }
    Map<String, String> files = new LinkedHashMap<>();
    for (Map.Entry<String, Path> file : outcome.resultFiles().entrySet()) {
      files.put(file.getKey(), relative(file.getValue(), workDir));
    }
    return new Outcome(
        outcome.report(),
        outcome.resultSpec().orElse(null),
        model,
        files,
        outcome.usable().orElse(null));
  }

  /** A result file elsewhere (e.g. in {@code /tmp}) is copied into the scratch folder first. */
  private static String relative(Path file, Path workDir) throws IOException {
    Path absolute = file.toAbsolutePath().normalize();
    if (!absolute.startsWith(workDir)) {
      Path results = Files.createDirectories(workDir.resolve("results"));
      Path copy = Files.createTempFile(results, "result-", "-" + file.getFileName());
      Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
      absolute = copy;
    }
    return workDir.relativize(absolute).toString();
  }

  private synchronized void send(Message message) {
    try {
      protocol.print(prefix + SandboxProtocol.JSON.writeValueAsString(message) + "\n");
      protocol.flush();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write to the worker", e);
    }
  }

  /**
   * Progress goes to the worker, at most every {@link #PROGRESS_EVERY_NANOS} (handlers report per
   * batch); cancellation is the worker's: it ends this process.
   */
  private final class Progress implements JobProgress {
    private long last;

    @Override
    public void report(double fraction, String message) {
      long now = System.nanoTime();
      if (now - last >= PROGRESS_EVERY_NANOS || fraction >= 1) {
        last = now;
        send(Message.ofProgress(fraction, message));
      }
    }

    @Override
    public boolean cancelled() {
      return false;
    }
  }
}
