package io.learnware.cli;

import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.LearnwareRef;
import io.learnware.client.UploadResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code learnware upload owner/name --spec FILE --model FILE [--file FILE]...}. */
@Command(
    name = "upload",
    description = {
      "Upload a new version of a learnware: its specification, its model and any extra files"
          + " (e.g. a feature extractor). The files are streamed, never held in memory.",
      "Prints the new version; the market then checks it (state PENDING until done)."
    },
    sortOptions = false)
final class UploadCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(paramLabel = "OWNER/NAME", description = "the learnware, e.g. demo/digits")
  String learnware;

  @Option(
      names = "--spec",
      paramLabel = "FILE",
      required = true,
      description = "the specification JSON")
  Path specFile;

  @Option(
      names = "--model",
      paramLabel = "FILE",
      required = true,
      description = "the model artifact")
  Path model;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "an extra artifact, sent under its file name; repeatable")
  List<Path> files = new ArrayList<>();

  @Option(names = "--json", description = "print the market's answer as JSON")
  boolean json;

  @Option(names = "--quiet", description = "no progress on standard error")
  boolean quiet;

  @Override
  public Integer call() throws CliFailure, IOException, LearnwareApiException {
    LearnwareRef key = Arguments.learnware(spec, learnware, false);
    List<Path> all = new ArrayList<>(List.of(specFile, model));
    all.addAll(files);
    for (Path file : all) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new CliFailure(ExitCodes.INVALID_INPUT, file + ": no such readable file");
      }
    }
    UploadResult result;
    try (LearnwareClient client = server.client(null);
        ProgressBar progress = ProgressBar.on(spec.commandLine().getErr(), quiet)) {
      result =
          client.upload(
              key.owner(),
              key.name(),
              specFile,
              model,
              files,
              (name, bytes, total) -> progress.bytes("uploading " + name, bytes, total));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, result);
    } else {
      out.printf(
          "uploaded %s (%s), model sha256 %s%n", result.ref(), result.state(), result.sha256());
    }
    return ExitCodes.OK;
  }
}
