package io.learnware.worker.sandbox;

import java.time.Duration;

/**
 * What one sandboxed job may use. Going past a limit ends the job with a failure that names the
 * limit; such failures are the job's (its model's) doing and are not retried.
 *
 * @param memoryBytes the job process's address space (Java heap, native tensors, libraries); the
 *     Java heap is a quarter of it
 * @param cpuTime CPU time, summed over the job's threads
 * @param processes processes and threads the job may have at once
 * @param outputBytes the largest file the job may write, and the size of its scratch folder and its
 *     private {@code /tmp} each
 */
public record SandboxLimits(long memoryBytes, Duration cpuTime, int processes, long outputBytes) {

  /** 8 GiB: the largest models the market runs fit with room for their data. */
  public static final long DEFAULT_MEMORY = 8L << 30;

  /** 12 hours of CPU: a six-hour job (the default job time limit) on two cores. */
  public static final Duration DEFAULT_CPU_TIME = Duration.ofHours(12);

  /** Enough for the JVM's and libtorch's thread pools on a large machine. */
  public static final int DEFAULT_PROCESSES = 512;

  /** 4 GiB. */
  public static final long DEFAULT_OUTPUT = 4L << 30;

  public SandboxLimits {
    if (memoryBytes < (512L << 20)) {
      throw new IllegalArgumentException(
          "the sandbox memory limit must be at least 512 MiB, got " + memoryBytes + " bytes");
    }
    if (cpuTime.isNegative() || cpuTime.toSeconds() < 1) {
      throw new IllegalArgumentException("the sandbox CPU time limit must be at least 1 s");
    }
    if (processes < 32) {
      throw new IllegalArgumentException(
          "the sandbox process limit must be at least 32 (the JVM's own threads), got "
              + processes);
    }
    if (outputBytes < (1L << 20)) {
      throw new IllegalArgumentException("the sandbox output limit must be at least 1 MiB");
    }
  }

  public static SandboxLimits defaults() {
    return new SandboxLimits(DEFAULT_MEMORY, DEFAULT_CPU_TIME, DEFAULT_PROCESSES, DEFAULT_OUTPUT);
  }

  /** The system properties that carry these limits into the job process. */
  java.util.List<String> asSystemProperties() {
    return java.util.List.of(
        "-Dlearnware.sandbox.memory=" + memoryBytes,
        "-Dlearnware.sandbox.cpu=" + cpuTime.toSeconds(),
        "-Dlearnware.sandbox.processes=" + processes,
        "-Dlearnware.sandbox.output=" + outputBytes);
  }

  /** The limits the worker gave this job process, for its failure messages. */
  static SandboxLimits fromSystemProperties() {
    SandboxLimits defaults = defaults();
    return new SandboxLimits(
        Long.getLong("learnware.sandbox.memory", defaults.memoryBytes()),
        Duration.ofSeconds(Long.getLong("learnware.sandbox.cpu", defaults.cpuTime().toSeconds())),
        Integer.getInteger("learnware.sandbox.processes", defaults.processes()),
        Long.getLong("learnware.sandbox.output", defaults.outputBytes()));
  }

  /** The job process's Java heap: a quarter of its memory, the rest is for native tensors. */
  long heapBytes() {
    return Math.max(256L << 20, memoryBytes / 4);
  }
}
