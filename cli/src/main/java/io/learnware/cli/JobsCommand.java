package io.learnware.cli;

import io.learnware.client.JobInfo;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code learnware jobs list|show|watch|cancel}. */
@Command(
    name = "jobs",
    description = "Your jobs: list them, show one, follow one live, cancel one.",
    subcommands = {
      JobsCommand.ListJobs.class,
      JobsCommand.Show.class,
      JobsCommand.Watch.class,
      JobsCommand.Cancel.class
    })
final class JobsCommand {

  @Command(name = "list", description = "Your jobs, newest first (at most 100).")
  static final class ListJobs implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions server;

    @Option(names = "--json", description = "print the jobs as JSON")
    boolean json;

    @Override
    public Integer call() throws IOException, LearnwareApiException {
      List<JobInfo> jobs;
      try (LearnwareClient client = server.client(null)) {
        jobs = client.jobs();
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Json.print(out, jobs);
        return ExitCodes.OK;
      }
      if (jobs.isEmpty()) {
        out.println("no jobs");
        return ExitCodes.OK;
      }
      out.printf("%-36s  %-10s  %-9s  %4s  %s%n", "ID", "TYPE", "STATE", "DONE", "SOURCE");
      for (JobInfo job : jobs) {
        out.printf(
            Locale.ROOT,
            "%-36s  %-10s  %-9s  %3.0f%%  %s%n",
            job.id(),
            job.type(),
            job.state(),
            100 * job.progress(),
            job.source());
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "show", description = "One job: state, progress, result or error.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions server;

    @Parameters(paramLabel = "ID", description = "the job's id")
    String id;

    @Option(names = "--json", description = "print the job as JSON")
    boolean json;

    @Override
    public Integer call() throws IOException, LearnwareApiException {
      try (LearnwareClient client = server.client(null)) {
        JobOptions.print(spec.commandLine().getOut(), client.job(jobId(spec, id)), json);
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "watch",
      description = {
        "Follow a job live until it finishes (progress on standard error), then print it.",
        "Exits with 5 when the job failed or was cancelled."
      })
  static final class Watch implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions server;

    @Parameters(paramLabel = "ID", description = "the job's id")
    String id;

    @Option(names = "--json", description = "print the finished job as JSON")
    boolean json;

    @Option(names = "--quiet", description = "no progress on standard error")
    boolean quiet;

    @Override
    public Integer call() throws IOException, LearnwareApiException {
      try (LearnwareClient client = server.client(null)) {
        return JobOptions.follow(client, jobId(spec, id), spec, json, quiet);
      }
    }
  }

  @Command(name = "cancel", description = "Cancel a queued or running job.")
  static final class Cancel implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions server;

    @Parameters(paramLabel = "ID", description = "the job's id")
    String id;

    @Option(names = "--json", description = "print the job as JSON")
    boolean json;

    @Override
    public Integer call() throws IOException, LearnwareApiException {
      try (LearnwareClient client = server.client(null)) {
        JobOptions.print(spec.commandLine().getOut(), client.cancel(jobId(spec, id)), json);
      }
      return ExitCodes.OK;
    }
  }

  /** A malformed id is a usage error, before anything is sent. */
  private static String jobId(CommandSpec spec, String id) {
    try {
      UUID.fromString(id);
      return id;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "'" + id + "' is not a job id (a UUID)");
    }
  }
}
