package io.learnware.spec.beimingwu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.DataType;
import io.learnware.spec.FeatureSpec;
import io.learnware.spec.InputSpec;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.OutputSpec;
import io.learnware.spec.RkmeDocuments;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A learnware as a zip for Beimingwu's learnware package, laid out as the zips its market hands
 * out: {@code learnware.yaml}, {@code __init__.py} (a model class that loads the TorchScript or
 * ONNX file and offers {@code fit}, {@code predict} and {@code finetune}), {@code market.json}
 * (what the class needs to know), the model file, {@code stat.json} (the RKME in Beimingwu's
 * format, when the learnware has one), {@code semantic_specification.json} (the semantic
 * specification under Beimingwu's keys) and {@code requirements.txt}.
 */
public final class BeimingwuPackage {

  /** The class name {@code learnware.yaml} names; defined in {@code __init__.py}. */
  public static final String MODEL_CLASS = "MarketModel";

  static final String STAT_FILE = "stat.json";
  static final String SEMANTIC_FILE = "semantic_specification.json";

  /** Beimingwu's scenario tags ({@code learnware/config.py}); market tags that match are kept. */
  static final List<String> SCENARIOS =
      List.of(
          "Business",
          "Financial",
          "Health",
          "Politics",
          "Computer",
          "Internet",
          "Traffic",
          "Nature",
          "Fashion",
          "Industry",
          "Agriculture",
          "Education",
          "Entertainment",
          "Architecture");

  private static final Map<Task, String> TASKS =
      Map.of(
          Task.CLASSIFICATION, "Classification",
          Task.REGRESSION, "Regression",
          Task.FEATURE_EXTRACTION, "Feature Extraction",
          Task.SEGMENTATION, "Segmentation",
          Task.DETECTION, "Object Detection");

  private BeimingwuPackage() {}

  /** Whether a model of this format can be packaged: TorchScript and ONNX only. */
  public static boolean supports(ModelFormat format) {
    return format == ModelFormat.TORCHSCRIPT || format == ModelFormat.ONNX;
  }

  /**
   * Writes the zip of {@code spec}'s learnware to {@code out} (left open).
   *
   * @param learnware {@code owner/name@version}, recorded in {@code market.json}
   * @param model the model artifact, copied unchanged
   * @throws IllegalArgumentException if the model's format is not {@linkplain #supports supported}
   */
  public static void write(
      LearnwareSpec spec, String learnware, InputStream model, OutputStream out)
      throws IOException {
    ModelFormat format = spec.model().format();
    if (!supports(format)) {
      throw new IllegalArgumentException(
          "a " + format + " model cannot be packaged for Beimingwu (TorchScript or ONNX only)");
    }
    String modelFile = format == ModelFormat.TORCHSCRIPT ? "model.pt" : "model.onnx";
    ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
    entry(zip, "learnware.yaml", yaml(spec.statistical() != null));
    entry(zip, "__init__.py", template());
    entry(zip, "market.json", json(marketJson(spec, learnware, modelFile)));
    zip.putNextEntry(new ZipEntry(modelFile));
    model.transferTo(zip);
    zip.closeEntry();
    if (spec.statistical() != null) {
      entry(zip, STAT_FILE, json(RkmeDocuments.toBeimingwu(spec.statistical())));
    }
    entry(zip, SEMANTIC_FILE, json(semantic(spec)));
    entry(zip, "requirements.txt", requirements(format));
    zip.finish();
  }

  /**
   * The semantic specification under Beimingwu's keys, as its {@code generate_semantic_spec} builds
   * it: {@code Data}, {@code Task}, {@code Library}, {@code License}, {@code Scenario} with {@code
   * Type} and {@code Values}; {@code Name} and {@code Description} as strings; {@code Input} and
   * {@code Output} with {@code Dimension} and per-index {@code Description}.
   */
  public static ObjectNode semantic(LearnwareSpec spec) {
    ObjectNode out = SpecDocuments.mapper().createObjectNode();
    classValue(out, "Data", spec.dataType() == null ? null : capitalized(spec.dataType()));
    classValue(out, "Task", TASKS.getOrDefault(spec.task(), "Others"));
    classValue(
        out, "Library", spec.model().format() == ModelFormat.TORCHSCRIPT ? "PyTorch" : "Others");
    classValue(out, "License", spec.license());
    ObjectNode scenario = out.putObject("Scenario");
    scenario.put("Type", "Tag");
    ArrayNode scenarios = scenario.putArray("Values");
    for (String known : SCENARIOS) {
      if (spec.tags() != null && spec.tags().stream().anyMatch(known::equalsIgnoreCase)) {
        scenarios.add(known);
      }
    }
    if (scenarios.isEmpty()) {
      scenarios.add("Others");
    }
    out.putObject("Name").put("Type", "String").put("Values", Objects.toString(spec.name(), ""));
    out.putObject("Description")
        .put("Type", "String")
        .put("Values", Objects.toString(spec.description(), ""));
    ObjectNode input = out.putObject("Input");
    InputSpec in = spec.input();
    if (spec.dataType() == DataType.TABLE && in != null && in.dimension() != null) {
      input.put("Dimension", in.dimension());
      if (in.features() != null) {
        ObjectNode descriptions = input.putObject("Description");
        for (int i = 0; i < in.features().size(); i++) {
          descriptions.put(String.valueOf(i), describe(in.features().get(i)));
        }
      }
    }
    ObjectNode output = out.putObject("Output");
    OutputSpec o = spec.output();
    if (o != null && (spec.task() == Task.CLASSIFICATION || spec.task() == Task.REGRESSION)) {
      output.put("Dimension", o.dimension());
      if (o.labels() != null) {
        ObjectNode descriptions = output.putObject("Description");
        for (int i = 0; i < o.labels().size(); i++) {
          descriptions.put(String.valueOf(i), o.labels().get(i));
        }
      }
    }
    return out;
  }

  private static void classValue(ObjectNode out, String key, String value) {
    ObjectNode node = out.putObject(key);
    node.put("Type", "Class");
    ArrayNode values = node.putArray("Values");
    if (value != null) {
      values.add(value);
    }
  }

  private static String capitalized(DataType type) {
    String name = type.jsonName();
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  private static String describe(FeatureSpec feature) {
    return feature.description() == null
        ? feature.name()
        : feature.name() + ": " + feature.description();
  }

  /** What {@code __init__.py} reads: the model file and the shapes Beimingwu's BaseModel takes. */
  static ObjectNode marketJson(LearnwareSpec spec, String learnware, String modelFile) {
    ObjectNode out = SpecDocuments.mapper().createObjectNode();
    out.put("learnware", learnware);
    out.put("format", spec.model().format().jsonName());
    out.put("modelFile", modelFile);
    out.put("task", spec.task() == null ? null : spec.task().jsonName());
    InputSpec in = spec.input();
    ArrayNode inputShape = out.putArray("inputShape");
    if (spec.dataType() == DataType.IMAGE) {
      inputShape.add(in.channels()).add(in.height()).add(in.width());
      if (in.normalization() != null) {
        out.set("normalization", SpecDocuments.mapper().valueToTree(in.normalization()));
      }
    } else if (in != null && in.dimension() != null) {
      inputShape.add(in.dimension());
    }
    out.putArray("outputShape").add(spec.output() == null ? 1 : spec.output().dimension());
    return out;
  }

  private static String yaml(boolean statistical) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("model:\n  class_name: ").append(MODEL_CLASS).append("\n  kwargs: {}\n");
    if (statistical) {
      yaml.append("stat_specifications:\n")
          .append("  - module_path: learnware.specification\n")
          .append("    class_name: ")
          .append(RkmeDocuments.BEIMINGWU_TYPE)
          .append("\n    file_name: ")
          .append(STAT_FILE)
          .append("\n    kwargs: {}\n");
    } else {
      yaml.append("stat_specifications: []\n");
    }
    yaml.append("semantic_specification:\n  file_name: ").append(SEMANTIC_FILE).append('\n');
    return yaml.toString();
  }

  private static String requirements(ModelFormat format) {
    return format == ModelFormat.TORCHSCRIPT
        ? "numpy\ntorch>=1.13\n"
        : "numpy\nonnxruntime\n# finetune and fit need a TorchScript model; this one predicts only\n";
  }

  private static String template() {
    try (InputStream in = BeimingwuPackage.class.getResourceAsStream("__init__.py")) {
      return new String(
          Objects.requireNonNull(in, "__init__.py").readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String json(JsonNode node) throws IOException {
    return SpecDocuments.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
  }

  private static void entry(ZipOutputStream zip, String name, String text) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(text.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }
}
