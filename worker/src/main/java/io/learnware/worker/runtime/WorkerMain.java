package io.learnware.worker.runtime;

import io.learnware.worker.sandbox.SandboxLimits;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/worker}: runs one worker node until SIGTERM or Ctrl-C. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Claims jobs from a Learnware Market and runs them (DJL, PyTorch engine).")
public final class WorkerMain implements Callable<Integer> {

  @Option(
      names = "--server",
      defaultValue = "${env:LEARNWARE_SERVER:-http://localhost:8080}",
      description = "The market's URL (env LEARNWARE_SERVER; default ${DEFAULT-VALUE}).")
  URI server;

  @Option(
      names = "--token",
      defaultValue = "${env:LEARNWARE_WORKER_TOKEN}",
      description = "A worker token (env LEARNWARE_WORKER_TOKEN), see POST /api/v1/worker-tokens.")
  String token;

  @Option(names = "--token-file", description = "Read the worker token from this file.")
  Path tokenFile;

  @Option(
      names = "--types",
      split = ",",
      description = "Job types to claim (default: every type this worker can run).")
  List<String> types;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description =
          "auto (every GPU when there are any, else the CPU), cpu, gpu (every GPU; an error"
              + " without one) or gpu:N (that GPU alone); one job at a time runs on each."
              + " Default ${DEFAULT-VALUE}.")
  String device;

  @Option(
      names = "--gpus",
      defaultValue = "all",
      description =
          "The GPUs auto and gpu use: all, or indices such as 0,1. Default ${DEFAULT-VALUE}.")
  String gpus;

  @Option(
      names = "--cache",
      description = "Downloaded inputs and job scratch space (default: ~/.cache/learnware/worker).")
  Path cache;

  @Option(names = "--id", description = "This worker's name in job messages (default: host-pid).")
  String id;

  @Option(
      names = "--max-job-time",
      defaultValue = "PT6H",
      description =
          "Longest a job may run, ISO-8601 (e.g. PT30M); past it the job fails with that reason."
              + " Default ${DEFAULT-VALUE}.")
  Duration maxJobTime;

  @Option(
      names = "--max-validation-time",
      defaultValue = "PT2M",
      description = "Longest a validation may run, ISO-8601. Default ${DEFAULT-VALUE}.")
  Duration maxValidationTime;

  @Option(
      names = "--sandbox-memory",
      defaultValue = "8G",
      description =
          "Memory (address space) of one job's sandboxed process, e.g. 4G or 512M; a quarter of it"
              + " is Java heap. Default ${DEFAULT-VALUE}.")
  String sandboxMemory;

  @Option(
      names = "--sandbox-cpu-time",
      defaultValue = "PT12H",
      description = "CPU time of one job's process, ISO-8601. Default ${DEFAULT-VALUE}.")
  Duration sandboxCpuTime;

  @Option(
      names = "--sandbox-processes",
      defaultValue = "512",
      description = "Processes and threads one job may have at once. Default ${DEFAULT-VALUE}.")
  int sandboxProcesses;

  @Option(
      names = "--sandbox-output",
      defaultValue = "4G",
      description =
          "Largest file a job may write, and the size of its scratch folder and /tmp each."
              + " Default ${DEFAULT-VALUE}.")
  String sandboxOutput;

  @Option(
      names = "--sandbox-user",
      defaultValue = "65534",
      description =
          "The unprivileged user id jobs run as when the worker runs as root. Default"
              + " ${DEFAULT-VALUE} (nobody).")
  int sandboxUser;

  @Option(
      names = "--insecure-no-sandbox",
      description =
          "Run models inside this worker's own process, with its files, token and network. Only"
              + " for trusted models on machines where no sandbox can be made.")
  boolean insecureNoSandbox;

  @Override
  public Integer call() throws Exception {
    if (token == null && tokenFile != null) {
      token = Files.readString(tokenFile).strip();
    }
    if (token == null || token.isBlank()) {
      System.err.println(
          "error: a worker token is required (--token, --token-file or LEARNWARE_WORKER_TOKEN)");
      return 2;
    }
    SandboxLimits limits;
    try {
      limits =
          new SandboxLimits(
              bytes(sandboxMemory), sandboxCpuTime, sandboxProcesses, bytes(sandboxOutput));
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    Worker.Builder builder =
        Worker.builder()
            .setServer(server)
            .setToken(token)
            .optDevice(device)
            .optGpus(gpus)
            .optMaxJobTime(maxJobTime)
            .optMaxValidationTime(maxValidationTime)
            .optSandbox(limits)
            .optSandboxUser(sandboxUser)
            .optInsecureNoSandbox(insecureNoSandbox)
            .optCache(cache != null ? cache : defaultCache());
    if (types != null) {
      builder.optTypes(types);
    }
    if (id != null) {
      builder.optWorkerId(id);
    }
    Worker worker;
    try {
      worker = builder.build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    }
    Thread main = Thread.currentThread();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.stop();
                  try {
                    main.join(5000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    worker.run();
    return 0;
  }

  /** {@code 8G}, {@code 512M}, {@code 64K} or a number of bytes. */
  static long bytes(String size) {
    String s = size.strip().toUpperCase(java.util.Locale.ROOT);
    int shift =
        switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
          case 'K' -> 10;
          case 'M' -> 20;
          case 'G' -> 30;
          default -> 0;
        };
    try {
      return Long.parseLong(shift == 0 ? s : s.substring(0, s.length() - 1)) << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a size: '" + size + "' (e.g. 8G, 512M)");
    }
  }

  private static Path defaultCache() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("learnware").resolve("worker");
  }

  public static void main(String[] args) {
    // Nothing may be downloaded at run time: the native library ships in a Maven artifact.
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    System.exit(new CommandLine(new WorkerMain()).execute(args));
  }
}
