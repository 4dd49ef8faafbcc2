package io.learnware.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.client.LearnwareApiException;
import io.learnware.client.LearnwareClient;
import io.learnware.client.LearnwareRef;
import io.learnware.client.UploadResult;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.Violation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * {@code learnware upload owner/name [--spec FILE] --model FILE [--file FILE]...}: the
 * specification from a file, from flags, or from a file with flags applied on top.
 */
@Command(
    name = "upload",
    description = {
      "Upload a new version of a learnware: its specification, its model and any extra files"
          + " (e.g. a feature extractor). The files are streamed, never held in memory.",
      "Prints the new version; the market then checks it (state PENDING until done)."
    },
    sortOptions = false)
final class UploadCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(paramLabel = "OWNER/NAME", description = "the learnware, e.g. demo/digits")
  String learnware;

  @Option(
      names = "--spec",
      paramLabel = "FILE",
      description =
          "the specification JSON; without it the specification is built from the flags below")
  Path specFile;

  @Option(
      names = "--model",
      paramLabel = "FILE",
      required = true,
      description = "the model artifact")
  Path model;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "an extra artifact, sent under its file name; repeatable")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--stat",
      paramLabel = "FILE",
      description =
          "an RKME (from 'learnware spec rkme') to publish as the spec's statistical part")
  Path stat;

  @Option(names = "--name", paramLabel = "TEXT", description = "sets the spec's name")
  String title;

  @Option(names = "--description", paramLabel = "TEXT", description = "sets the spec's description")
  String description;

  @Option(names = "--license", paramLabel = "LICENSE", description = "sets the spec's license")
  String license;

  @Option(
      names = "--tag",
      paramLabel = "TAG",
      description = "sets the spec's tags (repeatable; replaces those in the file)")
  List<String> tags;

  @Option(
      names = "--data-type",
      paramLabel = "TYPE",
      description = "sets dataType: table, image or text")
  String dataType;

  @Option(names = "--task", paramLabel = "TASK", description = "sets task, e.g. classification")
  String task;

  @Option(
      names = "--input-dimension",
      paramLabel = "N",
      description = "sets input.dimension (tables: the number of features)")
  Integer inputDimension;

  @Option(
      names = "--input-shape",
      paramLabel = "C,H,W",
      split = ",",
      description = "sets input.channels, height and width (images)")
  List<Integer> inputShape;

  @Option(
      names = "--labels",
      paramLabel = "LABEL",
      split = ",",
      description = "sets output.labels and output.dimension, e.g. cat,dog")
  List<String> labels;

  @Option(
      names = "--output-dimension",
      paramLabel = "N",
      description = "sets output.dimension (without --labels)")
  Integer outputDimension;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "sets model.format (default from the model's extension: .pt torchscript, .onnx onnx)")
  String format;

  @Option(
      names = "--private",
      description =
          "the learnware is private: only members of OWNER see it. Chosen with the first"
              + " version; for an existing learnware of the other visibility the market refuses"
              + " the upload (change it with 'learnware visibility')")
  boolean makePrivate;

  @Option(
      names = "--public",
      description =
          "the learnware is public (default: the market's default for a new learnware, usually"
              + " public)")
  boolean makePublic;

  @Option(names = "--json", description = "print the market's answer as JSON")
  boolean json;

  @Option(names = "--quiet", description = "no progress on standard error")
  boolean quiet;

  @Override
  public Integer call() throws CliFailure, IOException, LearnwareApiException {
    LearnwareRef key = Arguments.learnware(spec, learnware, false);
    if (makePrivate && makePublic) {
      throw new ParameterException(spec.commandLine(), "give --private or --public, not both");
    }
    String visibility = makePrivate ? "private" : makePublic ? "public" : null;
    List<Path> all = new ArrayList<>(List.of(model));
    if (specFile != null) {
      all.add(specFile);
    }
    all.addAll(files);
    for (Path file : all) {
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new CliFailure(ExitCodes.INVALID_INPUT, file + ": no such readable file");
      }
    }
    boolean edited =
        specFile == null
            || stat != null
            || title != null
            || description != null
            || license != null
            || tags != null
            || dataType != null
            || task != null
            || inputDimension != null
            || inputShape != null
            || labels != null
            || outputDimension != null
            || format != null;
    Path scratch = edited ? Files.createTempDirectory("learnware-upload") : null;
    UploadResult result;
    try {
      Path sent = edited ? withFlags(scratch.resolve("spec.json")) : specFile;
      try (LearnwareClient client = server.client(null);
          ProgressBar progress = ProgressBar.on(spec.commandLine().getErr(), quiet)) {
        result =
            client.upload(
                key.owner(),
                key.name(),
                sent,
                model,
                files,
                visibility,
                (name, bytes, total) -> progress.bytes("uploading " + name, bytes, total));
      }
    } finally {
      if (scratch != null) {
        Files.deleteIfExists(scratch.resolve("spec.json"));
        Files.delete(scratch);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Json.print(out, result);
    } else {
      out.printf(
          "uploaded %s (%s%s), model sha256 %s%n",
          result.ref(),
          result.state(),
          "private".equals(result.visibility()) ? ", private" : "",
          result.sha256());
    }
    return ExitCodes.OK;
  }

  /**
   * The spec file with the flags applied, written to {@code out} (the user's file is untouched).
   */
  private Path withFlags(Path out) throws CliFailure, IOException {
    ObjectNode document =
        specFile != null
            ? readObject(specFile, "the specification")
            : SpecDocuments.mapper().createObjectNode().put("specVersion", 1);
    if (stat != null) {
      ObjectNode rkme = readObject(stat, "the RKME");
      // A whole specification passed as --stat contributes its statistical member.
      document.set("statistical", rkme.has("statistical") ? rkme.get("statistical") : rkme);
    }
    if (title != null) {
      document.put("name", title);
    }
    if (description != null) {
      document.put("description", description);
    }
    if (license != null) {
      document.put("license", license);
    }
    if (tags != null) {
      ArrayNode array = document.putArray("tags");
      tags.forEach(array::add);
    }
    if (dataType != null) {
      document.put("dataType", dataType);
    }
    if (task != null) {
      document.put("task", task);
    }
    if (inputDimension != null || inputShape != null) {
      ObjectNode input = object(document, "input");
      if (inputDimension != null) {
        input.put("dimension", inputDimension);
      }
      if (inputShape != null) {
        if (inputShape.size() != 3) {
          throw new ParameterException(spec.commandLine(), "--input-shape: give C,H,W");
        }
        input.put("channels", inputShape.get(0));
        input.put("height", inputShape.get(1));
        input.put("width", inputShape.get(2));
      }
    }
    if (labels != null || outputDimension != null) {
      ObjectNode output = object(document, "output");
      if (labels != null) {
        ArrayNode array = output.putArray("labels");
        labels.forEach(array::add);
        output.put("dimension", labels.size());
      } else {
        output.put("dimension", outputDimension);
      }
    }
    if (format != null || !object(document, "model").has("format")) {
      String name = model.getFileName().toString();
      String chosen =
          format != null
              ? format
              : name.endsWith(".onnx") ? "onnx" : name.endsWith(".pt") ? "torchscript" : null;
      if (chosen != null) {
        object(document, "model").put("format", chosen);
      }
    }
    // Checked here, so that a missing flag is named before the model is sent.
    List<Violation> violations = new SpecValidator().validate(document);
    if (!violations.isEmpty()) {
      StringBuilder message =
          new StringBuilder("the specification has %d problem(s)".formatted(violations.size()));
      violations.forEach(
          v ->
              message
                  .append(System.lineSeparator())
                  .append("  ")
                  .append(v.pointer())
                  .append(": ")
                  .append(v.message()));
      throw new CliFailure(ExitCodes.INVALID_INPUT, message.toString());
    }
    SpecDocuments.mapper().writeValue(out.toFile(), document);
    return out;
  }

  /** The object member {@code name}, created when missing. */
  private static ObjectNode object(ObjectNode parent, String name) {
    return parent.get(name) instanceof ObjectNode existing ? existing : parent.putObject(name);
  }

  private static ObjectNode readObject(Path file, String what) throws CliFailure {
    try {
      JsonNode node = SpecDocuments.mapper().readTree(file.toFile());
      if (node == null || !node.isObject()) {
        throw new CliFailure(ExitCodes.INVALID_INPUT, file + ": " + what + " is not a JSON object");
      }
      return (ObjectNode) node;
    } catch (JsonProcessingException e) {
      throw new CliFailure(ExitCodes.INVALID_INPUT, file + ": not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.INVALID_INPUT, file + ": " + Describe.io(e));
    }
  }
}
