package io.learnware.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.client.JobInfo;
import io.learnware.client.JobRequest;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.LearnwareRef;
import io.learnware.spec.SpecDocuments;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every job-requesting command shares: the data set, the target and its visibility, raw
 * parameters, whether to wait for the job, and how to print it.
 */
final class JobOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--dataset",
      paramLabel = "OWNER/NAME",
      description = "one of your data sets (upload it with 'learnware dataset upload')")
  String dataset;

  @Option(
      names = "--target",
      paramLabel = "OWNER/NAME",
      description = "where a created version goes (default: the source's name with a suffix)")
  String target;

  @Option(
      names = "--visibility",
      paramLabel = "public|private",
      description =
          "of the learnware the job creates, if it creates one (default: private when a source is"
              + " private, else the market's default); an existing target keeps its own")
  String visibility;

  @Option(
      names = "--params",
      paramLabel = "JSON",
      description =
          "more parameters as a JSON object, e.g. '{\"seed\": 7}'; the options above win over it")
  String params;

  @Option(
      names = "--device",
      paramLabel = "cpu|gpu",
      description = "run only on a worker with this kind of device (default: any worker)")
  String device;

  @Option(
      names = "--wait",
      description = "follow the job until it finishes (progress on standard error)")
  boolean wait;

  @Option(names = "--json", description = "print the job as JSON")
  boolean json;

  @Option(names = "--quiet", description = "no progress on standard error")
  boolean quiet;

  /** The {@code --params} object, to which a command adds its own options. */
  ObjectNode baseParams() {
    if (params == null) {
      return SpecDocuments.mapper().createObjectNode();
    }
    JsonNode parsed;
    try {
      parsed = SpecDocuments.mapper().readTree(params);
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "--params: not JSON: " + e.getMessage());
    }
    if (parsed == null || !parsed.isObject()) {
      throw new ParameterException(spec.commandLine(), "--params: must be a JSON object");
    }
    return (ObjectNode) parsed;
  }

  /**
   * Submits the job, follows it with {@code --wait}, prints it. The exit code is 0, or {@link
   * ExitCodes#JOB_FAILED} when a followed job failed or was cancelled.
   */
  int run(LearnwareClient client, String type, LearnwareRef source, ObjectNode jobParams)
      throws IOException, LearnwareApiException {
    if (dataset != null) {
      Arguments.learnware(spec, dataset, false);
    }
    if (target != null) {
      Arguments.learnware(spec, target, false);
    }
    if (visibility != null) {
      Arguments.visibility(spec, visibility, "--visibility");
    }
    if (device != null) {
      if (!device.equals("cpu") && !device.equals("gpu")) {
        throw new ParameterException(spec.commandLine(), "--device: must be cpu or gpu");
      }
      jobParams.put("device", device);
    }
    JobInfo job =
        client.submit(
            new JobRequest(type, source.toString(), dataset, jobParams, target, visibility));
    PrintWriter out = spec.commandLine().getOut();
    if (!wait) {
      if (json) {
        Json.print(out, job);
      } else {
        out.printf("queued %s job %s on %s%n", job.type(), job.id(), job.source());
      }
      return ExitCodes.OK;
    }
    return follow(client, job.id(), spec, json, quiet);
  }

  /** Follows a job to its end, then prints it; shared with {@code jobs watch}. */
  static int follow(
      LearnwareClient client, String id, CommandSpec spec, boolean json, boolean quiet)
      throws IOException, LearnwareApiException {
    JobInfo done;
    try (ProgressBar progress = ProgressBar.on(spec.commandLine().getErr(), quiet)) {
      done =
          client.watch(
              id,
              job ->
                  progress.update(
                      job.type() + " " + job.state().toLowerCase(Locale.ROOT),
                      job.progress(),
                      job.message() == null ? "" : job.message()));
    }
    print(spec.commandLine().getOut(), done, json);
    return done.succeeded() ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }

  /** A job for people: a summary line, then the result or the error. */
  static void print(PrintWriter out, JobInfo job, boolean json) {
    if (json) {
      Json.print(out, job);
      return;
    }
    out.printf(
        "job %s: %s %s on %s, %s (%.0f%%)%s%n",
        job.id(),
        job.type(),
        job.state(),
        job.source(),
        job.message() == null ? "" : job.message(),
        100 * job.progress(),
        job.attempts() > 1 ? ", attempt " + job.attempts() : "");
    if (job.result() != null && job.result().learnware() != null) {
      out.printf("created %s%n", job.result().learnware());
    }
    if (job.error() != null) {
      out.printf("error: %s%n", job.error());
    }
    if (job.result() != null && job.result().report() != null) {
      JsonNode report = job.result().report();
      if ("evaluate".equals(job.type()) && EvaluationText.handles(report)) {
        EvaluationText.print(out, report);
      } else {
        out.println("report:");
        Json.print(out, report);
      }
    }
  }
}
