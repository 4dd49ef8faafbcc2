package io.learnware.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.LearnwareRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code learnware visibility owner/name public|private}. */
@Command(
    name = "visibility",
    description = {
      "Make a learnware public or private (admins of its namespace, scope admin). A private"
          + " learnware is seen only by members of its namespace: everyone else gets 'not found',"
          + " and searches leave it out.",
      "Refused (exit code 1) when an ensemble would then pin a learnware its readers cannot load."
    },
    sortOptions = false)
final class VisibilityCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(index = "0", paramLabel = "OWNER/NAME", description = "the learnware")
  String learnware;

  @Parameters(index = "1", paramLabel = "public|private", description = "its new visibility")
  String visibility;

  @Option(names = "--json", description = "print the market's answer as JSON")
  boolean json;

  @Override
  public Integer call() throws IOException, LearnwareApiException {
    LearnwareRef key = Arguments.learnware(spec, learnware, false);
    Arguments.visibility(spec, visibility, "visibility");
    JsonNode answer;
    try (LearnwareClient client = server.client(null)) {
      answer = client.setVisibility(key.owner(), key.name(), visibility);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, answer);
    } else {
      out.printf(
          "%s is %s%n",
          answer.path("learnware").asText(key.key()), answer.path("visibility").asText());
    }
    return ExitCodes.OK;
  }
}
