package io.learnware.cli;

import io.learnware.client.DatasetInfo;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.LearnwareRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code learnware dataset upload owner/name --data FILE [--labels FILE]}. */
@Command(
    name = "dataset",
    description = "Your private data sets, which jobs read.",
    subcommands = DatasetCommand.Upload.class)
final class DatasetCommand {

  @Command(
      name = "upload",
      description = {
        "Upload a data set for jobs: a CSV with a header (a 'label' column holds labels), or IDX"
            + " images with --labels. Only you and the workers running your jobs can read it."
      },
      sortOptions = false)
  static final class Upload implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions server;

    @Parameters(paramLabel = "OWNER/NAME", description = "the data set, e.g. demo/digits-train")
    String name;

    @Option(names = "--data", paramLabel = "FILE", required = true, description = "CSV or IDX")
    Path data;

    @Option(names = "--labels", paramLabel = "FILE", description = "IDX labels for IDX images")
    Path labels;

    @Option(names = "--json", description = "print the market's answer as JSON")
    boolean json;

    @Option(names = "--quiet", description = "no progress on standard error")
    boolean quiet;

    @Override
    public Integer call() throws CliFailure, IOException, LearnwareApiException {
      LearnwareRef key = Arguments.learnware(spec, name, false);
      for (Path file : labels == null ? new Path[] {data} : new Path[] {data, labels}) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
          throw new CliFailure(ExitCodes.INVALID_INPUT, file + ": no such readable file");
        }
      }
      DatasetInfo result;
      try (LearnwareClient client = server.client(null);
          ProgressBar progress = ProgressBar.on(spec.commandLine().getErr(), quiet)) {
        result =
            client.uploadDataset(
                key.owner(),
                key.name(),
                data,
                labels,
                (file, bytes, total) -> progress.bytes("uploading " + file, bytes, total));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Json.print(out, result);
      } else {
        out.printf(
            "uploaded data set %s (%s, %s), sha256 %s%n",
            result.dataset(),
            result.format(),
            ProgressBar.size(result.dataSize()),
            result.dataSha256());
      }
      return ExitCodes.OK;
    }
  }
}
