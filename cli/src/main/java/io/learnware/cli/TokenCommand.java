package io.learnware.cli;

import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.NewToken;
import io.learnware.client.TokenInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code learnware token create|list|revoke}: your API tokens. */
@Command(
    name = "token",
    description = {
      "Your API tokens. A token has scopes (read: private learnwares and data sets; write:"
          + " uploads, aliases, deleting versions; jobs: requesting and following jobs; admin:"
          + " members, visibility, audit log, tokens), may be limited to some namespaces, and may"
          + " expire. Managing tokens needs scope admin."
    },
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Revoke.class
    })
final class TokenCommand {

  /** {@code 30d} or {@code 12h}: a duration from now. */
  private static final Pattern RELATIVE = Pattern.compile("([1-9][0-9]{0,5})([dh])");

  @Command(
      name = "create",
      description = {
        "Create an API token. It never grants more than the token creating it: scopes and"
            + " namespaces default to that token's and must be among them.",
        "Prints the secret, which the market shows this once: keep it (e.g. in $LEARNWARE_TOKEN)."
      },
      sortOptions = false)
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions server;

    @Option(names = "--name", paramLabel = "NAME", description = "to recognise it, e.g. ci")
    String name;

    @Option(
        names = "--scope",
        paramLabel = "SCOPE",
        split = ",",
        description = "read, write, jobs or admin; repeatable (default: the creating token's)")
    List<String> scopes;

    @Option(
        names = "--namespace",
        paramLabel = "NAMESPACE",
        split = ",",
        description =
            "a namespace (yours, or an organisation you belong to) the token is limited to;"
                + " repeatable (default: the creating token's, usually all)")
    List<String> namespaces;

    @Option(
        names = "--expires",
        paramLabel = "WHEN",
        description =
            "when it stops working: 30d or 12h from now, a date (2027-01-01, midnight UTC) or an"
                + " instant (2027-01-01T00:00:00Z); default never")
    String expires;

    @Option(names = "--json", description = "print the token (with its secret) as JSON")
    boolean json;

    @Override
    public Integer call() throws IOException, LearnwareApiException {
      if (namespaces != null) {
        namespaces.forEach(n -> Arguments.name(spec, n, "namespace"));
      }
      Instant expiresAt = expires == null ? null : expiry(spec, expires, Instant.now());
      TokenInfo token;
      try (LearnwareClient client = server.client(null)) {
        token =
            client.createToken(
                new NewToken(
                    name, scopes, namespaces, expiresAt == null ? null : expiresAt.toString()));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Json.print(out, token);
        return ExitCodes.OK;
      }
      out.printf(
          "created token %s (%s): scopes %s; namespaces %s; expires %s%n",
          token.id(),
          token.name(),
          String.join(", ", token.scopes()),
          namespaces(token),
          Table.instant(token.expiresAt(), "never"));
      out.println("secret (shown this once): " + token.token());
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "list",
      description = "Your tokens (never their secrets): prefix, scopes, namespaces, expiry, use.")
  static final class ListTokens implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions server;

    @Option(names = "--json", description = "print the tokens as JSON")
    boolean json;

    @Override
    public Integer call() throws IOException, LearnwareApiException {
      List<TokenInfo> tokens;
      try (LearnwareClient client = server.client(null)) {
        tokens = client.tokens();
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Json.print(out, tokens);
        return ExitCodes.OK;
      }
      Table table =
          new Table("ID", "NAME", "PREFIX", "SCOPES", "NAMESPACES", "EXPIRES", "LAST USED");
      for (TokenInfo token : tokens) {
        table.row(
            token.id(),
            token.name(),
            token.prefix(),
            String.join(",", token.scopes()),
            token.namespaces() == null ? "all" : String.join(",", token.namespaces()),
            Table.instant(token.expiresAt(), "never"),
            Table.instant(token.lastUsedAt(), "never"));
      }
      table.print(out);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "revoke",
      description =
          "Revoke one of your tokens (its ID from 'token list'); it stops working at once.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServerOptions server;

    @Parameters(paramLabel = "ID", description = "the token's id")
    String id;

    @Override
    public Integer call() throws IOException, LearnwareApiException {
      try {
        UUID.fromString(id);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "'" + id + "' is not a token id (a UUID)");
      }
      try (LearnwareClient client = server.client(null)) {
        client.revokeToken(id);
      }
      spec.commandLine().getOut().printf("revoked token %s%n", id);
      return ExitCodes.OK;
    }
  }

  /**
   * The instant {@code text} names: {@code 30d} and {@code 12h} count from {@code now}, a date is
   * its midnight UTC.
   */
  static Instant expiry(CommandSpec spec, String text, Instant now) {
    Matcher relative = RELATIVE.matcher(text);
    if (relative.matches()) {
      long amount = Long.parseLong(relative.group(1));
      Duration duration =
          relative.group(2).equals("d") ? Duration.ofDays(amount) : Duration.ofHours(amount);
      return now.plus(duration).truncatedTo(ChronoUnit.SECONDS);
    }
    try {
      return text.contains("T")
          ? Instant.parse(text)
          : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--expires: expected 30d, 12h, a date (2027-01-01) or an instant"
              + " (2027-01-01T00:00:00Z), got '"
              + text
              + "'");
    }
  }

  private static String namespaces(TokenInfo token) {
    return token.namespaces() == null ? "all" : String.join(", ", token.namespaces());
  }
}
