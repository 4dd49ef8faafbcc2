package io.learnware.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.client.AuditEntry;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code learnware audit NAMESPACE [--learnware NAME] [--limit N] [--before ID]}. */
@Command(
    name = "audit",
    description = {
      "Who did what in a namespace, newest first: uploads, deletions, visibility and alias"
          + " changes, members, organisation and token changes (its admins, scope admin).",
      "Page back with --before, the ID of the oldest entry shown."
    },
    sortOptions = false)
final class AuditCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(paramLabel = "NAMESPACE", description = "an organisation, or your own namespace")
  String namespace;

  @Option(
      names = "--learnware",
      paramLabel = "NAME",
      description = "only entries of this learnware of the namespace")
  String learnware;

  @Option(names = "--limit", paramLabel = "N", description = "at most N entries (1 to 200; 50)")
  Integer limit;

  @Option(names = "--before", paramLabel = "ID", description = "only entries older than this one")
  Long before;

  @Option(names = "--json", description = "print the entries as JSON")
  boolean json;

  @Override
  public Integer call() throws IOException, LearnwareApiException {
    Arguments.name(spec, namespace, "namespace");
    if (learnware != null) {
      Arguments.name(spec, learnware, "learnware");
    }
    if (limit != null && (limit < 1 || limit > 200)) {
      throw new ParameterException(spec.commandLine(), "--limit must be between 1 and 200");
    }
    List<AuditEntry> entries;
    try (LearnwareClient client = server.client(null)) {
      entries = client.audit(namespace, learnware, before, limit);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, entries);
      return ExitCodes.OK;
    }
    if (entries.isEmpty()) {
      out.println("no entries");
      return ExitCodes.OK;
    }
    Table table = new Table("ID", "AT", "ACTOR", "LEARNWARE", "ACTION", "DETAIL");
    for (AuditEntry entry : entries) {
      table.row(
          Long.toString(entry.id()),
          Table.instant(entry.at(), "?"),
          entry.actor(),
          entry.learnware() == null ? "-" : entry.learnware(),
          entry.action(),
          detail(entry.detail()));
    }
    table.print(out);
    return ExitCodes.OK;
  }

  /**
   * {@code format=torchscript version=1}: the recorded facts by name (the market's JSON keeps no
   * meaningful order), lists joined by commas.
   */
  static String detail(JsonNode detail) {
    if (detail == null || !detail.isObject()) {
      return detail == null || detail.isNull() ? "" : detail.toString();
    }
    List<String> facts = new ArrayList<>();
    List<Map.Entry<String, JsonNode>> sorted = new ArrayList<>(detail.properties());
    sorted.sort(Map.Entry.comparingByKey());
    for (Map.Entry<String, JsonNode> fact : sorted) {
      JsonNode value = fact.getValue();
      String text;
      if (value.isArray()) {
        List<String> items = new ArrayList<>();
        value.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
        text = String.join(",", items);
      } else {
        text = value.isValueNode() ? value.asText() : value.toString();
      }
      facts.add(fact.getKey() + "=" + text);
    }
    return String.join(" ", facts);
  }
}
