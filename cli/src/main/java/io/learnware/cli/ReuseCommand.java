package io.learnware.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.LearnwareRef;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
      "Prints the queued job; --wait follows it to its end."
    },
    sortOptions = false)
final class ReuseCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Mixin JobOptions job;

  @Parameters(
      paramLabel = "OWNER/NAME[@REF]",
      arity = "2..*",
      description = "the learnwares to combine (two or more), e.g. from a search's mixture")
  List<String> learnwares;

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

  @Override
  public Integer call() throws IOException, LearnwareApiException {
    LearnwareRef first = Arguments.learnware(spec, learnwares.getFirst(), true);
    ObjectNode params = job.baseParams();
    ArrayNode sources = params.putArray("sources");
    for (String other : learnwares.subList(1, learnwares.size())) {
      sources.add(Arguments.learnware(spec, other, true).toString());
    }
    Params.put(params, "methods", methods);
    if (selectorPoints != null || seed != null) {
      ObjectNode selector =
          params.has("selector") && params.get("selector").isObject()
              ? (ObjectNode) params.get("selector")
              : params.putObject("selector");
      Params.put(selector, "pointsPerCandidate", selectorPoints);
      Params.put(selector, "seed", seed);
    }
    try (LearnwareClient client = server.client(null)) {
      return job.run(client, "reuse", first, params);
    }
  }
}
