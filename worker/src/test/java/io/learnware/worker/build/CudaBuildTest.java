package io.learnware.worker.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU worker's build ({@code -Pcuda}, docs/jobs.md) resolves and compiles, without fetching its
 * 2.4 GB of CUDA natives: Maven collects the dependency tree from POMs alone, and compiling needs
 * only the compile-scope jars (the natives are runtime-scoped). The worker's code must compile
 * against the older DJL that the CUDA natives pin.
 */
class CudaBuildTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void theCudaProfileResolvesToDjl033WithLibtorch251Cu124AndTheWorkerCompilesAgainstIt()
      throws IOException, InterruptedException {
    Path tree = dir.resolve("tree.txt");
    Path log = dir.resolve("maven.log");
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/mvn").toString(), "-B", "-q"));
    if ("offline=true".equals(System.getProperty("learnware.maven-offline"))) {
      command.add("-o");
    }
    command.addAll(
        List.of(
            "-Pcuda",
            "-pl",
            "worker",
            "-am",
            "-Dspotless.check.skip=true",
            "-Dexec.skip=true",
            "compile",
            "dependency:tree",
            "-Dverbose",
            "-DoutputFile=" + tree,
            "-DappendOutput=false"));
    Process maven =
        new ProcessBuilder(command)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(maven.waitFor(15, TimeUnit.MINUTES)).as("Maven ended").isTrue();
    assertThat(maven.exitValue()).as(Files.readString(log)).isZero();

    String dependencies = Files.readString(tree, StandardCharsets.UTF_8);
    assertThat(dependencies)
        .contains("ai.djl:api:jar:0.33.0:compile")
        .contains("ai.djl.pytorch:pytorch-engine:jar:0.33.0:compile")
        .contains("ai.djl.pytorch:pytorch-jni:jar:2.5.1-0.33.0:runtime")
        .contains("ai.djl.pytorch:pytorch-native-cu124:jar:linux-x86_64:2.5.1:runtime")
        .contains("ai.djl.onnxruntime:onnxruntime-engine:jar:0.33.0:compile")
        .doesNotContain("pytorch-native-cpu")
        .doesNotContain("2.7.1");
    // Beside the CPU build, not over it: bin/worker --gpu runs this folder.
    assertThat(
            ROOT.resolve(
                "worker/target/worker-cuda/classes/io/learnware/worker/runtime/WorkerMain.class"))
        .exists();
  }
}
