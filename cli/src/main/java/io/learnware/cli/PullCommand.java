package io.learnware.cli;

import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.LearnwareRef;
import io.learnware.client.PullResult;
import io.learnware.client.TransferListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code learnware pull owner/name[@ref] [--out DIR] [--format market|beimingwu]}. */
@Command(
    name = "pull",
    description = {
      "Download a version of a learnware into a directory: spec.json, the model (model.pt,"
          + " model.onnx or model.params, by format) and its extra files under their names.",
      "Every artifact's SHA-256 is checked. Artifacts are kept in a local cache by SHA-256 and"
          + " copied from there when pulled again.",
      "With --format beimingwu: one zip for Beimingwu's learnware package instead"
          + " (OWNER-NAME-vN-beimingwu.zip: learnware.yaml, __init__.py with the model class,"
          + " the model, stat.json, semantic_specification.json); TorchScript and ONNX models"
          + " only."
    },
    sortOptions = false)
final class PullCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(
      paramLabel = "OWNER/NAME[@REF]",
      description = "the learnware, at a version number or alias (default: latest)")
  String learnware;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "where to write the files (default: a directory named after the learnware)")
  Path out;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description =
          "the download cache (default: $LEARNWARE_CACHE, else $XDG_CACHE_HOME/learnware, else"
              + " ~/.cache/learnware)")
  Path cache;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "market",
      description =
          "market (default: the files as uploaded) or beimingwu (a Beimingwu learnware zip)")
  String format;

  @Option(names = "--json", description = "print what was written as JSON")
  boolean json;

  @Option(names = "--quiet", description = "no progress on standard error")
  boolean quiet;

  @Override
  public Integer call() throws IOException, LearnwareApiException {
    LearnwareRef ref = Arguments.learnware(spec, learnware, true);
    boolean beimingwu = "beimingwu".equals(format);
    if (!beimingwu && !"market".equals(format)) {
      throw new ParameterException(spec.commandLine(), "--format must be market or beimingwu");
    }
    // A zip is one file: by default it goes into the current directory.
    Path directory = out != null ? out : Path.of(beimingwu ? "." : ref.name());
    PullResult result;
    try (LearnwareClient client = server.client(cache);
        ProgressBar progress = ProgressBar.on(spec.commandLine().getErr(), quiet)) {
      TransferListener listener =
          (name, bytes, total) -> progress.bytes("downloading " + name, bytes, total);
      result =
          beimingwu
              ? client.pullBeimingwu(ref, directory, listener)
              : client.pull(ref, directory, listener);
    }
    PrintWriter stdout = spec.commandLine().getOut();
    if (json) {
      Json.print(stdout, result);
      return ExitCodes.OK;
    }
    stdout.printf("pulled %s into %s%n", result.ref(), result.directory());
    for (PullResult.PulledFile file : result.files()) {
      stdout.printf(
          "  %-20s %10s  sha256 %s%s%n",
          file.path().getFileName(),
          ProgressBar.size(file.size()),
          file.sha256(),
          file.fromCache() ? "  (from cache)" : "");
    }
    return ExitCodes.OK;
  }
}
