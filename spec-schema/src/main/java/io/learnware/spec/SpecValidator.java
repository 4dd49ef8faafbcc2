package io.learnware.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Validates specification documents: the JSON Schema of the document's {@code specVersion}, then
 * the rules the schema cannot express. Every violation is reported, sorted by pointer.
 *
 * <p>The rules are chosen by {@code specVersion} so that a later, stricter version does not lock
 * out documents written for an earlier one. An absent or unknown version yields a single violation
 * at {@code /specVersion}, as nothing else can be judged without it.
 *
 * <p>Pointers refer to the normalised document ({@link SpecDocuments#normalize}): for an RKME sent
 * in the learnware package's format, {@code /statistical/numPoints} is its {@code num_points}. A
 * missing or unknown member is reported at the member's own pointer (e.g. {@code /input/dimension}
 * with "is required"), not at the enclosing object.
 *
 * <p>Create one and share it: the schemas are loaded and compiled once, in the constructor, and
 * validation is thread-safe.
 */
public final class SpecValidator {

  private static final String SCHEMA_BASE = "https://learnware.io/schemas/";
  private static final String V1 = SCHEMA_BASE + "learnware-spec-v1.schema.json";

  private final Map<Integer, JsonSchema> schemasByVersion;
  private final JsonSchema rkmeSchema;
  private final JsonSchema robustnessSchema;
  private final JsonSchema evaluateSchema;
  private final JsonSchema ensembleSchema;

  /**
   * Loads the schemas from the classpath.
   *
   * @throws IllegalStateException if a schema resource is missing or broken (a packaging error)
   */
  public SpecValidator() {
    JsonSchemaFactory factory =
        JsonSchemaFactory.getInstance(
            VersionFlag.V202012,
            builder ->
                builder.schemaMappers(
                    mappers -> mappers.mapPrefix(SCHEMA_BASE, "classpath:schemas/")));
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .errorMessageKeyword("errorMessage")
            .regularExpressionFactory(new EcmaRegularExpressionFactory())
            // Messages must not depend on the server's locale: clients match and display them.
            .locale(Locale.ENGLISH)
            .build();
    try {
      this.schemasByVersion = Map.of(1, load(factory, V1, config));
      this.rkmeSchema = load(factory, V1 + "#/$defs/rkmeTable", config);
      this.robustnessSchema =
          load(factory, SCHEMA_BASE + "robustness-report-v1.schema.json", config);
      this.evaluateSchema = load(factory, SCHEMA_BASE + "evaluate-report-v1.schema.json", config);
      this.ensembleSchema = load(factory, SCHEMA_BASE + "ensemble-v1.schema.json", config);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot load the specification schemas", e);
    }
  }

  private static JsonSchema load(
      JsonSchemaFactory factory, String location, SchemaValidatorsConfig config) {
    JsonSchema schema = factory.getSchema(SchemaLocation.of(location), config);
    // Compile every validator now, so that a broken schema fails here and validation never
    // initialises shared state lazily from several threads.
    schema.initializeValidators();
    return schema;
  }

  /**
   * All violations of a specification document, sorted by pointer; empty when it is valid. The
   * {@code statistical} member may be in the learnware package's format (see {@link
   * RkmeDocuments}).
   */
  public List<Violation> validate(JsonNode spec) {
    if (spec == null || !spec.isObject()) {
      return List.of(new Violation("", "must be a JSON object"));
    }
    JsonNode version = spec.get("specVersion");
    if (version == null) {
      return List.of(
          new Violation("/specVersion", "is required; supported versions: " + versionList()));
    }
    JsonSchema schema =
        version.isNumber() && version.canConvertToExactIntegral() && version.canConvertToInt()
            ? schemasByVersion.get(version.intValue())
            : null;
    if (schema == null) {
      return List.of(
          new Violation(
              "/specVersion",
              "unsupported specification version %s; supported versions: %s"
                  .formatted(version, versionList())));
    }
    JsonNode normalized = SpecDocuments.normalize(spec);
    List<Violation> violations = new ArrayList<>();
    addSchemaViolations(schema, normalized, true, violations);
    StructuralChecks.checkSpec(normalized, violations);
    return sorted(violations);
  }

  /**
   * All violations of a robustness job's report ({@code schemas/robustness-report-v1.schema.json});
   * pointers are relative to it.
   */
  public List<Violation> validateRobustnessReport(JsonNode report) {
    List<Violation> violations = new ArrayList<>();
    addSchemaViolations(robustnessSchema, report, false, violations);
    return sorted(violations);
  }

  /**
   * All violations of an evaluate job's report ({@code schemas/evaluate-report-v1.schema.json});
   * pointers are relative to it.
   */
  public List<Violation> validateEvaluateReport(JsonNode report) {
    List<Violation> violations = new ArrayList<>();
    addSchemaViolations(evaluateSchema, report, false, violations);
    return sorted(violations);
  }

  /**
   * All violations of a published ensemble's artifact ({@code schemas/ensemble-v1.schema.json}),
   * then of the rules the schema cannot express (distinct members, a router that fits them);
   * pointers are relative to it.
   */
  public List<Violation> validateEnsemble(JsonNode ensemble) {
    if (ensemble == null || !ensemble.isObject()) {
      return List.of(new Violation("", "must be a JSON object"));
    }
    List<Violation> violations = new ArrayList<>();
    addSchemaViolations(ensembleSchema, ensemble, false, violations);
    if (violations.isEmpty()) {
      StructuralChecks.checkEnsemble(ensemble, violations);
    }
    return sorted(violations);
  }

  /**
   * All violations of a standalone statistical specification (e.g. the {@code statistical} member
   * of a search request), canonical or in the package's format; pointers are relative to it. There
   * is no input to compare its dimension with: callers that need a particular dimension check
   * {@link RkmeSpec#dimension()} themselves.
   */
  public List<Violation> validateStatistical(JsonNode statistical) {
    if (statistical == null) {
      return List.of(new Violation("", "must be a JSON object"));
    }
    JsonNode normalized = RkmeDocuments.normalize(statistical);
    List<Violation> violations = new ArrayList<>();
    addSchemaViolations(rkmeSchema, normalized, false, violations);
    StructuralChecks.checkRkme(normalized, violations);
    return sorted(violations);
  }

  /**
   * {@code document}, or a copy with each NaN (read from Python's bare token) replaced by 1: the
   * schema library turns bounded numbers into BigDecimal, which has no NaN, and the structural
   * checks report it, by pointer, as "must be a finite number". (Infinities it handles.)
   */
  private static JsonNode finite(JsonNode document) {
    if (!hasNaN(document)) {
      return document;
    }
    JsonNode copy = document.deepCopy();
    replaceNaN(copy);
    return copy;
  }

  private static boolean hasNaN(JsonNode node) {
    if (node.isNumber()) {
      return Double.isNaN(node.doubleValue());
    }
    for (JsonNode child : node) {
      if (hasNaN(child)) {
        return true;
      }
    }
    return false;
  }

  private static void replaceNaN(JsonNode node) {
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isNumber() && Double.isNaN(array.get(i).doubleValue())) {
          array.set(i, IntNode.valueOf(1));
        } else {
          replaceNaN(array.get(i));
        }
      }
    } else if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> member : object.properties()) {
        if (member.getValue().isNumber() && Double.isNaN(member.getValue().doubleValue())) {
          member.setValue(IntNode.valueOf(1));
        } else {
          replaceNaN(member.getValue());
        }
      }
    }
  }

  private String versionList() {
    return schemasByVersion.keySet().stream().sorted().map(String::valueOf).toList().toString();
  }

  /**
   * Converts the schema library's messages: pointers of {@code required} and {@code
   * additionalProperties} errors move from the object to the member concerned, with matching
   * wording; other messages keep the library's (or the schema's {@code errorMessage}) text.
   *
   * @param isSpec whether the document is a whole specification, whose top level admits {@code x-…}
   *     extension members
   */
  private static void addSchemaViolations(
      JsonSchema schema, JsonNode document, boolean isSpec, List<Violation> out) {
    for (ValidationMessage message : schema.validate(finite(document))) {
      String at = message.getInstanceLocation().toString();
      switch (message.getType()) {
        case "required" ->
            out.add(new Violation(Violation.child(at, message.getProperty()), "is required"));
        case "additionalProperties" ->
            out.add(
                new Violation(
                    Violation.child(at, message.getProperty()),
                    isSpec && at.isEmpty()
                        ? "is not a member of the specification; extension members must start"
                            + " with 'x-'"
                        : "is not allowed here (unknown member)"));
        // getError() is the message without its "<location>: " prefix. It cuts at the first ": ",
        // which is why the schema's errorMessage texts never contain that sequence.
        default -> out.add(new Violation(at, message.getError()));
      }
    }
  }

  private static List<Violation> sorted(List<Violation> violations) {
    // The schema may report one fault twice (e.g. a wrong type through two subschemas).
    return violations.stream().distinct().sorted().toList();
  }
}
