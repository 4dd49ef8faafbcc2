package io.learnware.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code learnware distill owner/name[@ref]}: a smaller student of a learnware (a job). */
@Command(
    name = "distill",
    description = {
      "Ask the market for a smaller student of a learnware (knowledge distillation, a job run by a"
          + " worker). The student becomes a new version of --target.",
      "Without --dataset the teacher's spec must carry an RKME, from which training points are"
          + " herded. A regressor's students fit its outputs by squared error (no --temperature"
          + " or --alpha); a data set's numeric label column is then only measured against."
          + " Prints the queued job; --wait follows it to its end."
    },
    sortOptions = false)
final class DistillCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Mixin JobOptions job;

  @Parameters(paramLabel = "OWNER/NAME[@REF]", description = "the teacher")
  String source;

  @Option(
      names = "--student",
      paramLabel = "TYPE",
      description = "mlp, cnn or gbdt (the market's default: mlp)")
  String student;

  @Option(
      names = "--hidden",
      paramLabel = "N",
      split = ",",
      description = "hidden layer sizes of an mlp student, e.g. 64,32 (implies --student mlp)")
  List<Integer> hidden;

  @Option(
      names = "--trees",
      paramLabel = "N",
      description = "trees of a gbdt student (implies --student gbdt)")
  Integer trees;

  @Option(names = "--max-depth", paramLabel = "N", description = "tree depth of a gbdt student")
  Integer maxDepth;

  @Option(names = "--dart", description = "a gbdt student with DART (dropout) boosting")
  Boolean dart;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      description = "softmax temperature (classifiers)")
  Double temperature;

  @Option(
      names = "--alpha",
      paramLabel = "A",
      description = "weight of the soft term, 0..1 (classifiers)")
  Double alpha;

  @Option(names = "--epochs", paramLabel = "N")
  Integer epochs;

  @Option(names = "--batch-size", paramLabel = "N")
  Integer batchSize;

  @Option(names = "--learning-rate", paramLabel = "LR")
  Double learningRate;

  @Option(names = "--seed", paramLabel = "S")
  Long seed;

  @Option(
      names = "--transfer-size",
      paramLabel = "N",
      description = "points herded from the teacher's RKME when no --dataset is given")
  Integer transferSize;

  @Override
  public Integer call() throws IOException, LearnwareApiException {
    var ref = Arguments.learnware(spec, source, true);
    ObjectNode params = job.baseParams();
    if (student != null || hidden != null || trees != null || maxDepth != null || dart != null) {
      ObjectNode studentNode =
          params.has("student") && params.get("student").isObject()
              ? (ObjectNode) params.get("student")
              : params.putObject("student");
      params.set("student", studentNode);
      if (student != null) {
        studentNode.put("type", student);
      } else if (!studentNode.has("type")) {
        // The options say which kind: layers are an MLP's, trees a GBDT's.
        studentNode.put("type", hidden != null ? "mlp" : "gbdt");
      }
      if (hidden != null) {
        hidden.forEach(studentNode.putArray("hidden")::add);
      }
      Params.put(studentNode, "trees", trees);
      Params.put(studentNode, "maxDepth", maxDepth);
      Params.put(studentNode, "dart", dart);
    }
    Params.put(params, "temperature", temperature);
    Params.put(params, "alpha", alpha);
    Params.put(params, "epochs", epochs);
    Params.put(params, "batchSize", batchSize);
    Params.put(params, "learningRate", learningRate);
    Params.put(params, "seed", seed);
    Params.put(params, "transferSize", transferSize);
    try (LearnwareClient client = server.client(null)) {
      return job.run(client, "distill", ref, params);
    }
  }
}
