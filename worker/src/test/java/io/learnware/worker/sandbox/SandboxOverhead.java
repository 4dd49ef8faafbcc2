package io.learnware.worker.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.worker.Fixtures;
import io.learnware.worker.RecordingProgress;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobExecutor;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.runtime.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The sandbox's cost: the same real jobs (a validation, a distillation, a robustness run with PGD)
 * run in this process and in a sandboxed process, alternating, in one run. Not a test (surefire
 * skips the name); {@code bench/sandbox-overhead.sh} runs it and prints one line per job: {@code
 * overhead <job> <in-process median ms> <sandboxed median ms>}.
 *
 * <p>System properties: {@code bench.runs}, timed runs of each (default 5) after one warm-up each;
 * {@code bench.jobs}, which (default "validate,distill,robustness"); {@code bench.epochs}, the
 * distillation's (default 200).
 */
class SandboxOverhead {

  private static final Map<String, String> JOBS =
      Map.of(
          "validate",
          "{\"seed\": 1}",
          "distill",
          "{\"student\": {\"type\": \"mlp\", \"hidden\": [64]}, \"epochs\": "
              + Integer.getInteger("bench.epochs", 200)
              + ", \"batchSize\": 32, \"seed\": 1}",
          "robustness",
          "{\"noise\": [], \"epsilons\": [0.05, 0.1, 0.2], \"pgdSteps\": 40}");

  @Test
  void run() throws Exception {
    int runs = Integer.getInteger("bench.runs", 5);
    Path natives = Path.of(System.getProperty(Worker.NATIVES_PROPERTY, "target/sandbox-natives"));
    SandboxExecutor sandbox = SandboxExecutor.builder().setNatives(natives).build();
    sandbox.warmUp();
    Map<String, JobHandler> handlers = new java.util.HashMap<>();
    ServiceLoader.load(JobHandler.class).forEach(h -> handlers.put(h.type(), h));
    JobExecutor inProcess = (type, context) -> handlers.get(type).run(context);
    for (String type : System.getProperty("bench.jobs", "validate,distill,robustness").split(",")) {
      double[] plain = new double[runs + 1];
      double[] sandboxed = new double[runs + 1];
      for (int run = 0; run <= runs; run++) {
        plain[run] = time(inProcess, type);
        sandboxed[run] = time(sandbox, type);
      }
      System.out.printf(
          "overhead %s %.0f %.0f%n", type, median(plain, runs), median(sandboxed, runs));
    }
  }

  private static double time(JobExecutor executor, String type) throws Exception {
    JsonNode spec = Fixtures.json("digits-mlp/spec.json");
    Path work = Files.createTempDirectory("overhead");
    Path data =
        Fixtures.path(
            type.equals("distill") ? "data/digits-train.csv.gz" : "data/digits-test.csv.gz");
    JobContext context =
        new JobContext(
            "bench",
            SpecDocuments.mapper().readTree(JOBS.get(type)),
            SpecDocuments.parse(spec),
            spec,
            copy(Fixtures.path("digits-mlp/model.pt"), work),
            Map.of(),
            type.equals("validate") ? Optional.empty() : Optional.of(copy(data, work)),
            Optional.empty(),
            Files.createDirectories(work.resolve("job")),
            "cpu",
            new RecordingProgress());
    long start = System.nanoTime();
    executor.execute(type, context);
    return (System.nanoTime() - start) / 1e6;
  }

  private static Path copy(Path file, Path dir) throws Exception {
    return Files.copy(file, dir.resolve(file.getFileName()));
  }

  /** The median of the timed runs (the first, a warm-up, is left out). */
  private static double median(double[] times, int runs) {
    double[] timed = Arrays.copyOfRange(times, 1, runs + 1);
    Arrays.sort(timed);
    return timed[runs / 2];
  }
}
