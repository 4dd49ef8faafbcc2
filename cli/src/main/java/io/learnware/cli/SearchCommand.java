package io.learnware.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.SearchRequest;
import io.learnware.client.SearchResult;
import io.learnware.spec.SpecDocuments;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code learnware search}: by words and filters, and by closeness of training data (RKME). */
@Command(
    name = "search",
    description = {
      "Find learnwares by words (learnware search digits, or --q), filters and, with --stat, by how"
          + " close their training data are to yours (compute that file with 'learnware spec rkme',"
          + " or use one Beimingwu's learnware package saved; your data stay here).",
      "Prints the matches best first (private learnwares, which only members of their namespace"
          + " find, marked '(private)') and, for a statistical search, the mixture of learnwares"
          + " that fits your data best when the market finds one."
    },
    sortOptions = false)
final class SearchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(
      arity = "0..1",
      paramLabel = "WORDS",
      description = "words to look for (as with --q; quote several: 'handwritten digits')")
  String words;

  @Option(names = "--q", paramLabel = "TEXT", description = "words to look for")
  String q;

  @Option(names = "--data-type", paramLabel = "TYPE", description = "table, image or text")
  String dataType;

  @Option(names = "--task", paramLabel = "TASK", description = "e.g. classification")
  String task;

  @Option(names = "--license", paramLabel = "LICENSE", description = "e.g. MIT")
  String license;

  @Option(names = "--owner", paramLabel = "OWNER", description = "learnwares of this owner only")
  String owner;

  @Option(names = "--tag", paramLabel = "TAG", description = "a tag to require; repeatable")
  List<String> tags = new ArrayList<>();

  @Option(
      names = "--stat",
      paramLabel = "FILE",
      description =
          "a statistical specification (RKME JSON, or a learnware spec with a 'statistical'"
              + " member) to rank by")
  Path stat;

  @Option(names = "--limit", paramLabel = "N", description = "at most N matches")
  Integer limit;

  @Option(names = "--offset", paramLabel = "N", description = "skip the first N matches")
  Integer offset;

  @Option(names = "--json", description = "print the market's answer as JSON")
  boolean json;

  @Override
  public Integer call() throws CliFailure, IOException, LearnwareApiException {
    if (limit != null && limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit must be at least 1");
    }
    if (offset != null && offset < 0) {
      throw new ParameterException(spec.commandLine(), "--offset must not be negative");
    }
    if (words != null && q != null && !words.equals(q)) {
      throw new ParameterException(
          spec.commandLine(), "give the words once: as an argument or with --q, not both");
    }
    SearchRequest request =
        new SearchRequest(
            words != null ? words : q,
            new SearchRequest.Filters(dataType, task, license, tags, owner, null, null),
            stat == null ? null : statistical(stat),
            limit,
            offset);
    SearchResult result;
    try (LearnwareClient client = server.client(null)) {
      result = client.search(request);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, result);
    } else {
      printTable(out, result);
    }
    return ExitCodes.OK;
  }

  /** The RKME in {@code file}: the document itself, or a whole spec's {@code statistical}. */
  static JsonNode statistical(Path file) throws CliFailure {
    JsonNode document;
    try {
      // NaN as Python writes it is read, for the market to say where it is.
      document = SpecDocuments.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new CliFailure(
          ExitCodes.INVALID_INPUT,
          "%s: not valid JSON at line %d, column %d: %s"
              .formatted(
                  file,
                  e.getLocation().getLineNr(),
                  e.getLocation().getColumnNr(),
                  e.getOriginalMessage()));
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.INVALID_INPUT, file + ": cannot read: " + Describe.io(e));
    }
    if (document == null || !document.isObject()) {
      throw new CliFailure(ExitCodes.INVALID_INPUT, file + ": expected a JSON object");
    }
    return document.has("statistical") ? document.get("statistical") : document;
  }

  private static void printTable(PrintWriter out, SearchResult result) {
    if (result.single().isEmpty()) {
      out.println("no matches");
    } else {
      int width =
          Math.max(
              "LEARNWARE".length(),
              result.single().stream().mapToInt(m -> learnware(m).length()).max().orElse(0));
      String row = "%4s  %-" + width + "s  %7s  %9s  %s%n";
      out.printf(row, "RANK", "LEARNWARE", "SCORE", "MMD", "TITLE");
      int rank = 0;
      for (SearchResult.Match match : result.single()) {
        out.printf(
            row,
            ++rank,
            learnware(match),
            number(match.score(), "%.4f"),
            number(match.mmd(), "%.6f"),
            match.title() == null ? "" : match.title());
      }
      if (result.total() != null && result.total() > result.single().size()) {
        out.printf("(%d of %d matches)%n", result.single().size(), result.total());
      }
    }
    SearchResult.Mixture mixture = result.mixture();
    if (mixture != null && !mixture.items().isEmpty()) {
      out.printf(
          "%nmixture: score %s, mmd %s%n",
          number(mixture.score(), "%.4f"), number(mixture.mmd(), "%.6f"));
      for (SearchResult.Mixture.Item item : mixture.items()) {
        out.printf("  %s  weight %s%n", text(item.learnware()), number(item.weight(), "%.4f"));
      }
    }
  }

  /** {@code owner/name@version}, marked {@code (private)} when only some may see it. */
  private static String learnware(SearchResult.Match match) {
    return text(match.learnware()) + ("private".equals(match.visibility()) ? " (private)" : "");
  }

  private static String text(String value) {
    return value == null ? "?" : value;
  }

  private static String number(Double value, String format) {
    return value == null ? "-" : String.format(Locale.ROOT, format, value);
  }
}
