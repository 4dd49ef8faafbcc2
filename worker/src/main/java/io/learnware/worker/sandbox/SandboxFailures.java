package io.learnware.worker.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.worker.job.JobOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The reasons users see when a sandboxed job goes past a limit: each names the limit. */
final class SandboxFailures {

  /** What libtorch, glibc and the JVM say when an allocation fails (lower case). */
  private static final List<String> MEMORY =
      List.of(
          "bad_alloc",
          "cannot allocate memory",
          "can't allocate memory",
          "out of memory",
          "failed to map",
          "mmap failed");

  /** What they say when a thread cannot be started. */
  private static final List<String> THREADS =
      List.of(
          "native thread",
          "pthread_create",
          "thread creation failed",
          "resource temporarily unavailable");

  private SandboxFailures() {}

  static String memory(SandboxLimits limits) {
    return "the job went past the sandbox's memory limit (%s address space, %s of it Java heap);"
            .formatted(bytes(limits.memoryBytes()), bytes(limits.heapBytes()))
        + " use a smaller model, data set or batch size, or a worker with a higher limit";
  }

  /** A GPU job's limit: its processes' resident memory, since CUDA needs the address space. */
  static String residentMemory(SandboxLimits limits) {
    return ("the job went past the sandbox's memory limit (%s resident, %s of it Java heap); use a"
            + " smaller data set or batch size, or a worker with a higher --sandbox-memory")
        .formatted(bytes(limits.memoryBytes()), bytes(limits.heapBytes()));
  }

  static String processes(SandboxLimits limits) {
    return ("the job went past the sandbox's limit of %d processes and threads; a model may not"
            + " start threads of its own")
        .formatted(limits.processes());
  }

  static String cpuTime(SandboxLimits limits) {
    return "the job went past the sandbox's CPU time limit (%s); ask for less work or use a worker with a higher limit"
        .formatted(duration(limits.cpuTime()));
  }

  static String output(SandboxLimits limits) {
    return "the job went past the sandbox's output size limit (%s per file, scratch folder and /tmp)"
        .formatted(bytes(limits.outputBytes()));
  }

  /** Java's own out-of-memory errors: the heap, or threads the process may not start. */
  static String outOfMemory(OutOfMemoryError error, SandboxLimits limits) {
    String message = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
    return message.contains("native thread") ? processes(limits) : memory(limits);
  }

  /**
   * Names the limit behind a negative verdict whose model failed for want of memory or threads: the
   * model's own error says only that an allocation failed, the market's log line says why.
   */
  static void annotate(JobOutcome outcome, SandboxLimits limits) {
    if (outcome.usable().orElse(true) || !(outcome.report() instanceof ObjectNode report)) {
      return;
    }
    Optional<String> limit = fromText(report.toString(), limits);
    if (limit.isPresent()) {
      report.put("sandboxLimit", limit.get());
      if (report.get("log") instanceof ArrayNode log) {
        log.add("sandbox: " + limit.get());
      }
    }
  }

  private static Optional<String> fromText(String text, SandboxLimits limits) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (MEMORY.stream().anyMatch(lower::contains)) {
      return Optional.of(memory(limits));
    }
    if (THREADS.stream().anyMatch(lower::contains)) {
      return Optional.of(processes(limits));
    }
    return Optional.empty();
  }

  /** The limit behind an error a job's code got from the system, if one is. */
  static Optional<String> of(Throwable error, SandboxLimits limits) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("file too large") || message.contains("no space left on device")) {
        return Optional.of(output(limits));
      }
    }
    return Optional.empty();
  }

  /**
   * The limit a job process that ended without a result went past, judged from how it ended: its
   * exit status (a signal: SIGXCPU at the soft CPU limit, SIGKILL at the hard one, SIGXFSZ past the
   * file size limit) and the last lines it wrote to standard error.
   */
  static String ended(int status, String stderrTail, SandboxLimits limits) {
    String tail = stderrTail.toLowerCase(Locale.ROOT);
    if (status == 128 + 24 || status == 128 + 9 && tail.isEmpty()) {
      return cpuTime(limits);
    }
    if (status == 128 + 25 || tail.contains("file too large")) {
      return output(limits);
    }
    if (THREADS.stream().anyMatch(tail::contains)) {
      return processes(limits);
    }
    if (MEMORY.stream().anyMatch(tail::contains) || tail.contains("outofmemoryerror")) {
      return memory(limits);
    }
    String signal = status > 128 ? " (signal %d)".formatted(status - 128) : "";
    return "the job's process ended without a result (exit status %d%s); a model that crashes its"
            .formatted(status, signal)
        + " runtime cannot be run by this market";
  }

  static String bytes(long bytes) {
    if (bytes % (1L << 30) == 0) {
      return (bytes >> 30) + " GiB";
    }
    if (bytes % (1L << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    return bytes + " bytes";
  }

  static String duration(Duration duration) {
    return duration.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
