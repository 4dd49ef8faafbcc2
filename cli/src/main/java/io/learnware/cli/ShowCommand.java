package io.learnware.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.LearnwareRef;
import io.learnware.client.VersionInfo;
import io.learnware.client.VersionInfo.Edge;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code learnware show owner/name[@ref]}: one version, for people. */
@Command(
    name = "show",
    description = {
      "Describe a version of a learnware: its state (and 'private' if it is), task and shapes,"
          + " model, aliases, lineage and reports; for a published ensemble, its method and the"
          + " member versions it pins with their SHA-256. Lineage names a private learnware you"
          + " may not read as 'a private learnware'."
    },
    sortOptions = false)
final class ShowCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(
      paramLabel = "OWNER/NAME[@REF]",
      description = "the learnware, at a version number or alias (default: latest)")
  String learnware;

  @Option(names = "--json", description = "print the version as the market describes it")
  boolean json;

  @Override
  public Integer call() throws IOException, LearnwareApiException {
    LearnwareRef ref = Arguments.learnware(spec, learnware, true);
    VersionInfo version;
    try (LearnwareClient client = server.client(null)) {
      version = client.version(ref);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, version);
      return ExitCodes.OK;
    }
    JsonNode s = version.spec();
    out.printf(
        "%s (%s%s): %s%n",
        version.learnware(),
        version.state(),
        "private".equals(version.visibility()) ? ", private" : "",
        s.path("name").asText());
    out.printf(
        "  %s %s, %s inputs, %s outputs%n",
        s.path("dataType").asText(),
        s.path("task").asText(),
        inputs(s.path("input")),
        s.path("output").path("dimension").asText("?"));
    if (version.model() != null) {
      out.printf(
          "  model: %s, %,d bytes, sha256 %s%n",
          version.model().format(), version.model().size(), version.model().sha256());
    }
    for (VersionInfo.Artifact file : version.files()) {
      out.printf("  file: %s, %,d bytes, sha256 %s%n", file.filename(), file.size(), file.sha256());
    }
    if (!version.aliases().isEmpty()) {
      out.printf("  aliases: %s%n", String.join(", ", version.aliases()));
    }
    if (version.ensemble() != null) {
      VersionInfo.Ensemble ensemble = version.ensemble();
      out.printf(
          "  ensemble: %s of %d members (%s)%n",
          ensemble.method(), ensemble.members().size(), ensemble.task());
      int width = ensemble.members().stream().mapToInt(m -> m.learnware().length()).max().orElse(0);
      for (int i = 0; i < ensemble.members().size(); i++) {
        VersionInfo.Ensemble.Member member = ensemble.members().get(i);
        out.printf(
            "    %d. %-" + width + "s  sha256 %s%n", i + 1, member.learnware(), member.sha256());
      }
    }
    edges(out, version.lineage().parents(), true);
    edges(out, version.lineage().children(), false);
    if (!version.reports().isEmpty()) {
      out.printf(
          "  reports: %s%n",
          version.reports().stream()
              .map(VersionInfo.Report::type)
              .collect(Collectors.joining(", ")));
    }
    return ExitCodes.OK;
  }

  /**
   * One line per relation: "combined from: a@1, b@1", "distilled into: c@1"; a private learnware
   * the market does not name is "a private learnware".
   */
  private static void edges(PrintWriter out, List<Edge> edges, boolean parents) {
    Map<String, List<String>> byRelation = new LinkedHashMap<>();
    for (Edge edge : edges) {
      byRelation
          .computeIfAbsent(edge.relation(), r -> new ArrayList<>())
          .add(edge.hidden() ? "a private learnware" : edge.learnware());
    }
    byRelation.forEach(
        (relation, versions) ->
            out.printf(
                "  %s %s: %s%n", relation, parents ? "from" : "into", String.join(", ", versions)));
  }

  private static String inputs(JsonNode input) {
    if (input.has("dimension")) {
      return input.get("dimension").asText();
    }
    if (input.has("channels")) {
      return input.path("channels").asText()
          + "x"
          + input.path("height").asText()
          + "x"
          + input.path("width").asText();
    }
    return "?";
  }
}
