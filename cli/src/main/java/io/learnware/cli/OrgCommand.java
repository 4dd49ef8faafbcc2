package io.learnware.cli;

import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.NamespaceInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code learnware org create|show|add-member|remove-member}: organisations and their members. */
@Command(
    name = "org",
    description = {
      "Organisations: namespaces shared by several users, each with a role there: read (see the"
          + " private learnwares, run jobs on them), write (also upload, set aliases, delete"
          + " versions) or admin (also manage members, change visibility, read the audit log)."
    },
    subcommands = {
      OrgCommand.Create.class,
      OrgCommand.Show.class,
      OrgCommand.AddMember.class,
      OrgCommand.RemoveMember.class
    })
final class OrgCommand {

  @Command(
      name = "create",
      description =
          "Create an organisation; you become its first admin. Users and organisations share one"
              + " set of names. Needs a token with scope admin.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions server;

    @Parameters(paramLabel = "NAME", description = "e.g. acme")
    String name;

    @Option(names = "--json", description = "print the organisation as JSON")
    boolean json;

    @Override
    public Integer call() throws IOException, LearnwareApiException {
      Arguments.name(spec, name, "organisation");
      NamespaceInfo created;
      try (LearnwareClient client = server.client(null)) {
        created = client.createOrganisation(name);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Json.print(out, created);
      } else {
        out.printf("created organisation %s%n", created.name());
        printMembers(out, created);
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      description =
          "Show a namespace (an organisation or a user's own): its kind and, if you belong to it,"
              + " its members with their roles.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions server;

    @Parameters(paramLabel = "NAME", description = "an organisation or a user")
    String name;

    @Option(names = "--json", description = "print the namespace as JSON")
    boolean json;

    @Override
    public Integer call() throws IOException, LearnwareApiException {
      Arguments.name(spec, name, "namespace");
      NamespaceInfo namespace;
      try (LearnwareClient client = server.client(null)) {
        namespace = client.namespace(name);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Json.print(out, namespace);
        return ExitCodes.OK;
      }
      out.printf(
          "%s (%s), created %s%n",
          namespace.name(), namespace.kind(), Table.instant(namespace.createdAt(), "?"));
      if (namespace.members() == null) {
        out.println("members are listed to its members only");
      } else {
        printMembers(out, namespace);
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "add-member",
      description = {
        "Add a user to an organisation with a role, or change a member's role (the"
            + " organisation's admins). The last admin cannot be demoted.",
        "Prints the members."
      })
  static final class AddMember implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions server;

    @Parameters(index = "0", paramLabel = "ORG", description = "the organisation")
    String org;

    @Parameters(index = "1", paramLabel = "USER", description = "the user")
    String user;

    @Option(
        names = "--role",
        paramLabel = "read|write|admin",
        required = true,
        description = "the user's role in the organisation")
    String role;

    @Option(names = "--json", description = "print the organisation as JSON")
    boolean json;

    @Override
    public Integer call() throws IOException, LearnwareApiException {
      Arguments.name(spec, org, "organisation");
      Arguments.name(spec, user, "user");
      if (!role.equals("read") && !role.equals("write") && !role.equals("admin")) {
        throw new ParameterException(
            spec.commandLine(), "--role: expected read, write or admin, got '" + role + "'");
      }
      NamespaceInfo namespace;
      try (LearnwareClient client = server.client(null)) {
        namespace = client.putMember(org, user, role);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Json.print(out, namespace);
      } else {
        out.printf("%s is %s in %s%n", user, role, org);
        printMembers(out, namespace);
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "remove-member",
      description =
          "Remove a member from an organisation (its admins; not the last admin). Their tokens"
              + " no longer reach its private learnwares.")
  static final class RemoveMember implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions server;

    @Parameters(index = "0", paramLabel = "ORG", description = "the organisation")
    String org;

    @Parameters(index = "1", paramLabel = "USER", description = "the member")
    String user;

    @Override
    public Integer call() throws IOException, LearnwareApiException {
      Arguments.name(spec, org, "organisation");
      Arguments.name(spec, user, "user");
      try (LearnwareClient client = server.client(null)) {
        client.removeMember(org, user);
      }
      spec.commandLine().getOut().printf("removed %s from %s%n", user, org);
      return ExitCodes.OK;
    }
  }

  private static void printMembers(PrintWriter out, NamespaceInfo namespace) {
    Table table = new Table("MEMBER", "ROLE");
    for (NamespaceInfo.Member member : namespace.members()) {
      table.row(member.username(), member.role());
    }
    table.print(out);
  }
}
