package io.learnware.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.LearnwareRef;
import io.learnware.client.SearchRequest;
import io.learnware.client.SearchResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code learnware reuse A B [C…] --dataset …}: several learnwares combined on your data (a job).
 */
@Command(
    name = "reuse",
    description = {
      "Ask the market to combine several classifier learnwares on your data set (a job): each"
          + " alone, the mean of their probabilities, their vote, and the job selector that sends"
          + " each row to the learnware whose RKME fits it best. With labels, every method's"
          + " accuracy is reported.",
      "With --publish (or --target) the job also publishes the combination as a new learnware of"
          + " format ensemble, pinning the exact versions combined; it is validated like an"
          + " upload and can then be evaluated, distilled or loaded like any learnware.",
      "Prints the queued job; --wait follows it to its end (and names the learnware it created)."
    },
    sortOptions = false)
final class ReuseCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Mixin JobOptions job;

  @Parameters(
      paramLabel = "OWNER/NAME[@REF]",
      arity = "0..*",
      description = "the learnwares to combine (two or more); or give --stat")
  List<String> learnwares = new ArrayList<>();

  @Option(
      names = "--stat",
      paramLabel = "FILE",
      description =
          "combine the learnwares of the mixture the market recommends for this RKME (from 'spec"
              + " rkme' on your data) instead of naming them")
  Path stat;

  @Option(
      names = "--owner",
      paramLabel = "OWNER",
      description = "with --stat: only this owner's learnwares")
  String owner;

  @Option(
      names = "--methods",
      paramLabel = "METHOD",
      split = ",",
      description = "mean, vote, selector (default: all)")
  List<String> methods;

  @Option(
      names = "--selector-points",
      paramLabel = "N",
      description = "points herded from each RKME to train the selector (default 500)")
  Integer selectorPoints;

  @Option(names = "--seed", paramLabel = "S", description = "seeds the selector")
  Long seed;

  @Option(
      names = "--publish",
      paramLabel = "METHOD",
      description =
          "publish the combination as a learnware: mean, vote (classifiers only) or selector"
              + " (every learnware needs an RKME); it goes to --target (default: <you>/<first"
              + " learnware's name>-ensemble). --target alone publishes the mean")
  String publish;

  @Override
  public Integer call() throws CliFailure, IOException, LearnwareApiException {
    boolean named = stat == null && learnwares.size() >= 2;
    boolean recommended = stat != null && learnwares.isEmpty();
    if (!named && !recommended) {
      throw new ParameterException(
          spec.commandLine(), "name two or more learnwares, or give --stat (not both)");
    }
    try (LearnwareClient client = server.client(null)) {
      List<LearnwareRef> members = new ArrayList<>();
      if (stat != null) {
        members.addAll(mixture(client));
      } else {
        for (String learnware : learnwares) {
          members.add(Arguments.learnware(spec, learnware, true));
        }
      }
      ObjectNode params = params(members);
      return job.run(client, "reuse", members.getFirst(), params);
    }
  }

  /** The learnwares of the market's recommended mixture, heaviest first. */
  private List<LearnwareRef> mixture(LearnwareClient client)
      throws CliFailure, IOException, LearnwareApiException {
    SearchResult found =
        client.search(
            new SearchRequest(
                null,
                owner == null
                    ? null
                    : new SearchRequest.Filters(null, null, null, null, owner, null, null),
                SearchCommand.statistical(stat),
                null,
                null));
    if (found.mixture() == null || found.mixture().items().size() < 2) {
      throw new CliFailure(
          ExitCodes.INVALID_INPUT,
          "the market recommends no mixture of learnwares for "
              + stat
              + (found.single().isEmpty()
                  ? ""
                  : "; its best single match is " + found.single().getFirst().learnware())
              + ": name the learnwares to combine");
    }
    List<LearnwareRef> members = new ArrayList<>();
    found.mixture().items().stream()
        .sorted(
            Comparator.comparingDouble(
                (SearchResult.Mixture.Item i) -> i.weight() == null ? 0 : -i.weight()))
        .forEach(item -> members.add(LearnwareRef.parse(item.learnware())));
    return members;
  }

  private ObjectNode params(List<LearnwareRef> members) {
    ObjectNode params = job.baseParams();
    ArrayNode sources = params.putArray("sources");
    for (LearnwareRef other : members.subList(1, members.size())) {
      sources.add(other.toString());
    }
    Params.put(params, "methods", methods);
    Params.put(params, "publish", publish);
    if (selectorPoints != null || seed != null) {
      ObjectNode selector =
          params.has("selector") && params.get("selector").isObject()
              ? (ObjectNode) params.get("selector")
              : params.putObject("selector");
      Params.put(selector, "pointsPerCandidate", selectorPoints);
      Params.put(selector, "seed", seed);
    }
    return params;
  }
}
