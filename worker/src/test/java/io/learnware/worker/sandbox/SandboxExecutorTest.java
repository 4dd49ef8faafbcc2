package io.learnware.worker.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.reuse.EnsembleManifest;
import io.learnware.worker.EnsembleFixtures;
import io.learnware.worker.Fixtures;
import io.learnware.worker.RecordingProgress;
import io.learnware.worker.job.JobCancelledException;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.job.JobProgress;
import io.learnware.worker.job.SourceInputs;
import io.learnware.worker.runtime.Worker;
import io.learnware.worker.validate.ValidateHandler;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real sandboxed job processes (bubblewrap, as {@code bin/test} installs it) running the hostile
 * test handler and a real validation: what a model may not see, reach or exhaust.
 */
class SandboxExecutorTest {

  private static final Path NATIVES =
      Path.of(System.getProperty(Worker.NATIVES_PROPERTY, "target/sandbox-natives"))
          .toAbsolutePath();
  private static final String CANARY = "canary-7f3e9b1c-not-for-models";

  @TempDir Path workDir;
  @TempDir Path host;

  @BeforeAll
  static void sandboxWorksHere() throws Exception {
    assertThat(SandboxExecutor.unavailable()).as("bin/test installs bubblewrap").isEmpty();
    executor(SandboxLimits.defaults()).warmUp();
  }

  private static SandboxExecutor executor(SandboxLimits limits) {
    return SandboxExecutor.builder().setNatives(NATIVES).optLimits(limits).build();
  }

  private static SandboxLimits limits(long memory, Duration cpu, int processes, long output) {
    return new SandboxLimits(memory, cpu, processes, output);
  }

  @Test
  void withoutBubblewrapNoSandboxCanBeMadeAndTheReasonSaysWhatToInstall() {
    assertThat(
            SandboxExecutor.unavailable(
                java.util.List.of(Path.of("/nonexistent/bwrap"), Bubblewrap.PRLIMIT)))
        .hasValueSatisfying(
            reason ->
                assertThat(reason)
                    .startsWith("/nonexistent/bwrap is missing")
                    .contains("apt-get install bubblewrap"));
  }

  @Test
  void theEnginesAreUnpackedEvenUnderAnOutputLimitSmallerThanThey(@TempDir Path natives)
      throws Exception {
    // libtorch_cpu.so alone is 446 MB: the job's output limit must not bind the warm-up.
    SandboxExecutor.builder()
        .setNatives(natives)
        .optLimits(limits(4L << 30, Duration.ofMinutes(2), 256, 256L << 20))
        .build()
        .warmUp();

    try (var files = Files.walk(natives)) {
      assertThat(files.filter(f -> f.getFileName().toString().equals("libtorch_cpu.so")))
          .singleElement()
          .satisfies(f -> assertThat(Files.size(f)).isGreaterThan(256L << 20));
    }
  }

  @Test
  void aValidationInTheSandboxGivesTheVerdictItGivesInProcess() throws Exception {
    JobContext context = context("{\"seed\": 5}", new RecordingProgress());
    JobOutcome sandboxed = executor(SandboxLimits.defaults()).execute("validate", context);
    JobOutcome inProcess =
        new ValidateHandler().run(context("{\"seed\": 5}", new RecordingProgress()));

    assertThat(sandboxed.usable()).contains(true);
    assertThat(sandboxed.report().get("parameters").asLong()).isEqualTo(2410);
    assertThat(sandboxed.report().get("outputShape").toString()).isEqualTo("[64,10]");
    // Every line but the measured latency is the same.
    assertThat(lines(sandboxed)).isEqualTo(lines(inProcess)).hasSize(7);
  }

  @Test
  void aModelThatPrintsTheProtocolCannotForgeItsVerdict() throws Exception {
    JsonNode forged =
        SpecDocuments.mapper()
            .readTree(Fixtures.path("malicious/expected.json").toFile())
            .at("/files/forges-verdict.pt");
    JobContext context =
        context("{\"seed\": 5}", new RecordingProgress(), "malicious/forges-verdict.pt");

    JobOutcome outcome = executor(SandboxLimits.defaults()).execute("validate", context);

    // Its output has 3 columns where the spec declares 10: the job's verdict, not the printed one.
    assertThat(outcome.usable()).contains(false);
    assertThat(outcome.report().get("reason").asText())
        .contains("the model returned 3 outputs per row");
    assertThat(outcome.report().toString()).doesNotContain(forged.get("log").asText());
  }

  private static java.util.List<String> lines(JobOutcome outcome) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    outcome
        .report()
        .get("log")
        .forEach(l -> lines.add(l.asText().replaceAll("[0-9.]+ ms", "? ms")));
    return lines;
  }

  @Test
  void theJobSeesNoneOfTheMachinesFilesAndIsNotRoot() throws Exception {
    Path canary = Files.writeString(host.resolve("canary.txt"), CANARY);
    String params =
        """
        {"read": ["%s", "/etc/passwd", "/etc/shadow", "/proc/1/environ", "%s", "/root/.bashrc"]}
        """
            .formatted(canary, System.getProperty("user.home") + "/.m2/settings.xml");

    JobOutcome outcome = executor(SandboxLimits.defaults()).execute("hostile", context(params));

    JsonNode read = outcome.report().get("read");
    assertThat(read.properties()).hasSize(6);
    read.properties()
        .forEach(e -> assertThat(e.getValue().asText()).as(e.getKey()).startsWith("failed: "));
    assertThat(outcome.report().toString()).doesNotContain(CANARY).doesNotContain("root:x:0:0");
    if (SandboxExecutor.isRoot()) {
      assertThat(outcome.report().get("uid").asLong()).isEqualTo(SandboxExecutor.DEFAULT_USER);
    }
  }

  @Test
  void theJobHasNoNetwork() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      JobOutcome outcome =
          executor(SandboxLimits.defaults())
              .execute("hostile", context("{\"connect\": %d}".formatted(server.getLocalPort())));

      assertThat(outcome.report().get("connect").asText()).startsWith("failed: ");
    }
  }

  @Test
  void theJobWritesOnlyInItsScratchFolder() throws Exception {
    Path model = Fixtures.path("digits-mlp/model.pt");
    byte[] before = Files.readAllBytes(model);
    String params =
        """
        {"write": ["/job/in/source/model", "/opt/natives/x", "/usr/x", "/x", "/job/scratch/mine", "/tmp/mine"]}
        """;

    JobOutcome outcome = executor(SandboxLimits.defaults()).execute("hostile", context(params));

    JsonNode write = outcome.report().get("write");
    assertThat(write.get("/job/scratch/mine").asText()).startsWith("ok: ");
    assertThat(write.get("/tmp/mine").asText()).startsWith("ok: ");
    for (String denied : new String[] {"/job/in/source/model", "/opt/natives/x", "/usr/x", "/x"}) {
      assertThat(write.get(denied).asText()).as(denied).startsWith("failed: ");
    }
    assertThat(Files.readAllBytes(model)).isEqualTo(before);
    assertThat(NATIVES.resolve("x")).doesNotExist();
    assertThat(Files.readString(outcome.resultModel().orElseThrow())).isEqualTo("a result");
  }

  @Test
  void aResultThatLeavesTheScratchFolderIsRefused() throws Exception {
    SandboxExecutor executor = executor(SandboxLimits.defaults());

    assertThatThrownBy(
            () ->
                executor.execute(
                    "hostile", context("{\"result\": \"model\", \"linkTo\": \"/etc/passwd\"}")))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining("outside its scratch folder");
    // A protocol line without the job's key, as a model could print it, is not the job's outcome.
    assertThatThrownBy(
            () -> executor.execute("hostile", context("{\"forge\": \"../../../../etc/passwd\"}")))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining("ended without a result (exit status 0)");
  }

  @Test
  void cancellingKillsTheJobProcessAndAllItStarted() throws Exception {
    AtomicBoolean cancel = new AtomicBoolean();
    JobProgress progress =
        new JobProgress() {
          @Override
          public void report(double fraction, String message) {}

          @Override
          public boolean cancelled() {
            return cancel.get();
          }
        };
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try {
                Thread.sleep(2000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              cancel.set(true);
            });

    assertThatThrownBy(
            () ->
                executor(SandboxLimits.defaults())
                    .execute("hostile", context("{\"spin\": true, \"threads\": 4}", progress)))
        .isInstanceOf(JobCancelledException.class);
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void aWorkerThatStopsWaitingKillsTheJobProcess() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown =
        new java.util.concurrent.atomic.AtomicReference<>();
    JobContext context = context("{\"spin\": true}");
    Thread waiting =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    executor(SandboxLimits.defaults()).execute("hostile", context);
                  } catch (Throwable e) {
                    thrown.set(e);
                  }
                });
    Thread.sleep(2000);
    waiting.interrupt();
    waiting.join();

    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void spinningPastTheCpuLimitFailsNamingIt() {
    SandboxLimits limits =
        limits(
            SandboxLimits.DEFAULT_MEMORY, Duration.ofSeconds(3), 512, SandboxLimits.DEFAULT_OUTPUT);

    assertThatThrownBy(() -> executor(limits).execute("hostile", context("{\"spin\": true}")))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining("CPU time limit (3s)");
  }

  @Test
  void memoryPastTheLimitFailsNamingIt() {
    SandboxLimits limits =
        limits(1L << 30, SandboxLimits.DEFAULT_CPU_TIME, 512, SandboxLimits.DEFAULT_OUTPUT);

    assertThatThrownBy(() -> executor(limits).execute("hostile", context("{\"heap\": 64}")))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining("memory limit (1 GiB address space, 256 MiB of it Java heap)");
    assertThatThrownBy(() -> executor(limits).execute("hostile", context("{\"direct\": 16}")))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining("memory limit (1 GiB");
  }

  @Test
  void aJobWatchedByResidentSizeAsOnAGpuIsKilledPastTheLimitNamingIt() throws Exception {
    // GPU jobs have no address-space limit (CUDA reserves far more than it uses); the worker
    // watches their resident memory instead. This model fills 1 GiB tensors until it has 64 GiB.
    SandboxExecutor watched =
        SandboxExecutor.builder()
            .setNatives(NATIVES)
            .optLimits(
                limits(2L << 30, SandboxLimits.DEFAULT_CPU_TIME, 512, SandboxLimits.DEFAULT_OUTPUT))
            .optResidentMemoryWatch(true)
            .build();
    JobContext context =
        new JobContext(
            "test",
            SpecDocuments.mapper().readTree("{}"),
            Fixtures.spec("digits-mlp/spec.json"),
            Fixtures.json("digits-mlp/spec.json"),
            copy(Fixtures.path("malicious/huge-allocation.pt")),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            workDir,
            "cpu",
            new RecordingProgress());

    assertThatThrownBy(() -> watched.execute("validate", context))
        .isInstanceOf(JobFailure.class)
        .hasMessageStartingWith(
            "the job went past the sandbox's memory limit (2 GiB resident, 512 MiB of it Java"
                + " heap)");
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void threadsPastTheLimitFailNamingIt() {
    SandboxLimits limits =
        limits(
            SandboxLimits.DEFAULT_MEMORY,
            SandboxLimits.DEFAULT_CPU_TIME,
            64,
            SandboxLimits.DEFAULT_OUTPUT);

    assertThatThrownBy(() -> executor(limits).execute("hostile", context("{\"threads\": 500}")))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining("limit of 64 processes and threads");
  }

  @Test
  void outputPastTheLimitFailsNamingIt() {
    SandboxLimits limits =
        limits(SandboxLimits.DEFAULT_MEMORY, SandboxLimits.DEFAULT_CPU_TIME, 512, 8L << 20);

    assertThatThrownBy(() -> executor(limits).execute("hostile", context("{\"fill\": 20}")))
        .isInstanceOf(JobFailure.class)
        .hasMessageContaining("output size limit (8 MiB");
  }

  @Test
  void aPublishedEnsembleRunsInTheSandboxWithItsMembersBoundIn() throws Exception {
    List<SourceInputs> halves = new ArrayList<>();
    for (String which : List.of("low", "high")) {
      SourceInputs half = EnsembleFixtures.digitsHalf(which);
      Path model = Files.copy(half.model(), host.resolve("digits-" + which + ".pt"));
      halves.add(
          new SourceInputs(half.learnware(), half.spec(), half.specDocument(), model, Map.of()));
    }
    EnsembleFixtures.Published ensemble =
        EnsembleFixtures.publish(host, EnsembleManifest.Method.SELECTOR, halves);
    Path scratch = Files.createDirectories(workDir.resolve("validate"));
    JobOutcome sandboxed =
        executor(SandboxLimits.defaults())
            .execute("validate", ensemble.context("{}", null, scratch, new RecordingProgress()));
    JobOutcome inProcess =
        new ValidateHandler().run(ensemble.context("{}", null, scratch, new RecordingProgress()));

    assertThat(sandboxed.usable()).contains(true);
    assertThat(sandboxed.report().get("parameters").asLong()).isEqualTo(2 * 2410);
    assertThat(lines(sandboxed)).isEqualTo(lines(inProcess));

    // A reuse job whose second member is the ensemble: its members are bound in as well.
    SourceInputs digits =
        new SourceInputs(
            "demo/digits@1",
            EnsembleFixtures.digitsMlp(false).spec(),
            EnsembleFixtures.digitsMlp(false).specDocument(),
            copy(Fixtures.path("digits-mlp/model.pt")),
            Map.of());
    JobContext reuse =
        new JobContext(
            "test",
            SpecDocuments.mapper().readTree("{\"methods\": [\"mean\"]}"),
            digits.spec(),
            digits.specDocument(),
            digits.model(),
            Map.of(),
            Optional.of(copy(EnsembleFixtures.DIGITS_TEST)),
            Optional.empty(),
            Files.createDirectories(workDir.resolve("reuse")),
            "cpu",
            new RecordingProgress(),
            List.of(digits, ensemble.inputs("demo/digits-ensemble@1")));
    JsonNode report = executor(SandboxLimits.defaults()).execute("reuse", reuse).report();
    assertThat(report.at("/single/1/accuracy").asDouble()).isEqualTo(321 / 360.0);
  }

  private JobContext context(String params) throws Exception {
    return context(params, new RecordingProgress());
  }

  private JobContext context(String params, JobProgress progress) throws Exception {
    return context(params, progress, "digits-mlp/model.pt");
  }

  private JobContext context(String params, JobProgress progress, String model) throws Exception {
    return new JobContext(
        "test",
        SpecDocuments.mapper().readTree(params),
        Fixtures.spec("digits-mlp/spec.json"),
        Fixtures.json("digits-mlp/spec.json"),
        copy(Fixtures.path(model)),
        Map.of(),
        Optional.empty(),
        Optional.empty(),
        workDir,
        "cpu",
        progress);
  }

  /** Inputs come from the worker's cache, never from the repository itself. */
  private Path copy(Path fixture) throws Exception {
    Path copy = host.resolve(fixture.getFileName());
    if (!Files.exists(copy)) {
      Files.copy(fixture, copy);
    }
    return copy;
  }
}
