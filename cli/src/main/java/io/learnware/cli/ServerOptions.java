package io.learnware.cli;

import io.learnware.client.LearnwareClient;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --server} and {@code --token}, shared by the commands that talk to a market. */
final class ServerOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--server",
      paramLabel = "URL",
      defaultValue = "${env:LEARNWARE_SERVER:-http://localhost:8080}",
      description = "the market (default: $LEARNWARE_SERVER, else ${DEFAULT-VALUE})")
  URI server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      defaultValue = "${env:LEARNWARE_TOKEN}",
      description =
          "API token (default: $LEARNWARE_TOKEN; prefer the variable, which other users of the"
              + " machine cannot see)")
  String token;

  /** A client of the chosen market; an unusable URL is a usage error. */
  LearnwareClient client(Path cache) {
    try {
      LearnwareClient.Builder builder = LearnwareClient.builder(server).token(token);
      return (cache == null ? builder : builder.cache(cache)).build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--server: " + e.getMessage());
    }
  }
}
