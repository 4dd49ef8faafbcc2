package io.learnware.cli;

import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.Me;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code learnware whoami}: the token's user, their namespaces and what the token may do. */
@Command(
    name = "whoami",
    description =
        "Show whom the token belongs to, the namespaces they belong to with their role in each,"
            + " and the token's scopes and namespaces.")
final class WhoamiCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Option(names = "--json", description = "print the market's answer as JSON")
  boolean json;

  @Override
  public Integer call() throws IOException, LearnwareApiException {
    Me me;
    try (LearnwareClient client = server.client(null)) {
      me = client.me();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, me);
      return ExitCodes.OK;
    }
    out.printf("%s%s%n", me.username(), me.roles().contains("admin") ? " (site admin)" : "");
    out.printf(
        "token: scopes %s; namespaces %s%n",
        me.scopes().isEmpty() ? "none" : String.join(", ", me.scopes()),
        me.tokenNamespaces() == null ? "all" : String.join(", ", me.tokenNamespaces()));
    Table table = new Table("NAMESPACE", "KIND", "ROLE");
    for (Me.Membership membership : me.namespaces()) {
      table.row(membership.namespace(), membership.kind(), membership.role());
    }
    table.print(out);
    return ExitCodes.OK;
  }
}
