package io.learnware.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.regex.Pattern;

/**
 * The rules of specification version 1 that JSON Schema cannot express: lengths that must agree
 * with other members, unique names within objects, sums, finiteness and size limits. They run on
 * every document, whatever the schema found, and skip values of the wrong type (the schema reports
 * those), so that one pass reports every problem.
 */
final class StructuralChecks {

  /** Features of the image-sign-projection-v1 map ({@code rkme.ImageFeatureMap.DIMENSION}). */
  private static final int IMAGE_FEATURES = 64;

  private static final Pattern ASCII_CONTROLS = Pattern.compile("[\\x00-\\x1F\\x7F]");

  private StructuralChecks() {}

  /** Checks a whole (normalised) specification. */
  static void checkSpec(JsonNode spec, List<Violation> out) {
    checkFinite(spec, "", out);
    checkText(spec, out);
    JsonNode input = spec.path("input");
    String dataType = spec.path("dataType").asText();
    if (dataType.equals("table")) {
      checkFeatures(input, out);
    } else if (dataType.equals("image")) {
      checkImageInput(input, out);
    }
    JsonNode output = spec.path("output");
    checkCount(
        output.get("labels"),
        "/output/labels",
        output.get("dimension"),
        "output.dimension",
        "give one label per output component",
        out);
    JsonNode statistical = spec.get("statistical");
    if (statistical != null && statistical.isObject()) {
      // A tabular RKME summarises the model's input rows, so it lives in the same space; an image
      // RKME lives behind the fixed image feature map.
      JsonNode inputDimension = dataType.equals("table") ? input.get("dimension") : null;
      checkRkmeShape(statistical, "/statistical", "statistical.", inputDimension, out);
      checkFeatureMap(statistical, dataType, input, out);
    }
  }

  /** Checks a published ensemble's artifact that passed its schema. */
  static void checkEnsemble(JsonNode ensemble, List<Violation> out) {
    checkFinite(ensemble, "", out);
    JsonNode members = ensemble.get("members");
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < members.size(); i++) {
      String ref =
          members.get(i).get("learnware").asText() + "@" + members.get(i).get("version").asInt();
      Integer first = seen.putIfAbsent(ref, i);
      if (first != null) {
        out.add(
            new Violation(
                "/members/" + i,
                "%s is already member %d; members are distinct".formatted(ref, first)));
      }
    }
    JsonNode router = ensemble.get("router");
    if (router == null) {
      return;
    }
    int inputs = router.get("inputs").asInt();
    int hidden = router.get("hidden").asInt();
    int outputs = router.get("outputs").asInt();
    if (inputs != ensemble.get("inputSize").asInt()) {
      out.add(new Violation("/router/inputs", "must equal inputSize"));
    }
    if (outputs != members.size()) {
      out.add(new Violation("/router/outputs", "must equal the number of members"));
    }
    for (String member : List.of("mean", "scale")) {
      if (router.get(member).size() != inputs) {
        out.add(new Violation("/router/" + member, "must have one number per input"));
      }
    }
    long parameters =
        (hidden == 0 ? 0 : (long) inputs * hidden + hidden)
            + (long) (hidden == 0 ? inputs : hidden) * outputs
            + outputs;
    if (router.get("parameters").size() != parameters) {
      out.add(
          new Violation(
              "/router/parameters",
              "a router of %d inputs, %d hidden units and %d candidates has %d parameters"
                  .formatted(inputs, hidden, outputs, parameters)));
    }
  }

  /**
   * What people read about a learnware (its name, description, labels and feature names) must
   * display as stored: see {@link SafeText}. Tags are plain ASCII by the schema.
   */
  private static void checkText(JsonNode spec, List<Violation> out) {
    JsonNode name = spec.get("name");
    if (name != null && name.isTextual()) {
      // The schema already reports ASCII controls in the name; the rest is reported here, once.
      String rest = ASCII_CONTROLS.matcher(name.textValue()).replaceAll("");
      checkText(TextNode.valueOf(rest), "/name", false, out);
    }
    checkText(spec.get("description"), "/description", true, out);
    checkTextItems(spec.path("output").get("labels"), "/output/labels", out);
    JsonNode features = spec.path("input").get("features");
    if (features != null && features.isArray()) {
      for (int i = 0; i < features.size(); i++) {
        String pointer = "/input/features/" + i;
        checkText(features.get(i).get("name"), pointer + "/name", false, out);
        checkText(features.get(i).get("description"), pointer + "/description", true, out);
      }
    }
  }

  private static void checkTextItems(JsonNode items, String pointer, List<Violation> out) {
    if (items != null && items.isArray()) {
      for (int i = 0; i < items.size(); i++) {
        checkText(items.get(i), Violation.child(pointer, i), false, out);
      }
    }
  }

  private static void checkText(
      JsonNode value, String pointer, boolean multiline, List<Violation> out) {
    if (value != null && value.isTextual()) {
      SafeText.problem(value.textValue(), multiline)
          .ifPresent(message -> out.add(new Violation(pointer, message)));
    }
  }

  /** Image RKMEs name the image feature map for the input's shape; table RKMEs name none. */
  private static void checkFeatureMap(
      JsonNode statistical, String dataType, JsonNode input, List<Violation> out) {
    JsonNode map = statistical.get("featureMap");
    String pointer = "/statistical/featureMap";
    if (dataType.equals("table") && map != null) {
      out.add(
          new Violation(
              pointer, "must be absent for table data: its RKME lives in the input space itself"));
    }
    if (!dataType.equals("image")) {
      return;
    }
    if (map == null || !map.isObject()) {
      out.add(
          new Violation(
              pointer,
              "is required for image data: compute the RKME with `learnware spec rkme --idx`,"
                  + " which applies the image-sign-projection-v1 feature map"));
      return;
    }
    for (String member : List.of("channels", "height", "width")) {
      JsonNode expected = input.get(member);
      JsonNode actual = map.get(member);
      if (expected != null && actual != null && !expected.equals(actual)) {
        out.add(
            new Violation(
                pointer + "/" + member,
                "is %s but input.%s is %s; the RKME must be computed from images of the input's shape"
                    .formatted(actual, member, expected)));
      }
    }
    JsonNode dimension = statistical.get("dimension");
    if (dimension != null
        && dimension.canConvertToExactIntegral()
        && dimension.longValue() != IMAGE_FEATURES) {
      out.add(
          new Violation(
              "/statistical/dimension",
              "is %d but the image feature map yields %d features"
                  .formatted(dimension.longValue(), IMAGE_FEATURES)));
    }
  }

  /** Checks a standalone (normalised) RKME document, e.g. the one of a search request. */
  static void checkRkme(JsonNode rkme, List<Violation> out) {
    checkFinite(rkme, "", out);
    if (rkme.isObject()) {
      checkRkmeShape(rkme, "", "", null, out);
    }
  }

  /**
   * JSON has no infinities, but parsers turn numbers beyond double range (1e400) into them, and
   * documents built in code may hold NaN; either would poison every kernel computation.
   */
  private static void checkFinite(JsonNode node, String pointer, List<Violation> out) {
    if (node.isNumber()) {
      if (!Double.isFinite(node.doubleValue())) {
        out.add(new Violation(pointer, "must be a finite number"));
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        JsonNode element = node.get(i);
        // An RKME holds thousands of numbers: their pointers are built only for a violation.
        if (element.isNumber()) {
          if (!Double.isFinite(element.doubleValue())) {
            out.add(new Violation(Violation.child(pointer, i), "must be a finite number"));
          }
        } else {
          checkFinite(element, Violation.child(pointer, i), out);
        }
      }
    } else if (node.isObject()) {
      for (Entry<String, JsonNode> member : node.properties()) {
        checkFinite(member.getValue(), Violation.child(pointer, member.getKey()), out);
      }
    }
  }

  private static void checkFeatures(JsonNode input, List<Violation> out) {
    JsonNode features = input.get("features");
    checkCount(
        features,
        "/input/features",
        input.get("dimension"),
        "input.dimension",
        "list one entry per feature, or leave features out",
        out);
    if (features == null || !features.isArray()) {
      return;
    }
    // Clients map CSV columns to features by name, so a name must not be ambiguous.
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < features.size(); i++) {
      JsonNode name = features.get(i).get("name");
      if (name != null && name.isTextual()) {
        Integer first = firstIndex.putIfAbsent(name.textValue(), i);
        if (first != null) {
          out.add(
              new Violation(
                  "/input/features/" + i + "/name",
                  "duplicates the name of /input/features/"
                      + first
                      + "; feature names must be unique"));
        }
      }
    }
  }

  private static void checkImageInput(JsonNode input, List<Violation> out) {
    JsonNode normalization = input.path("normalization");
    for (String member : List.of("mean", "std")) {
      checkCount(
          normalization.get(member),
          "/input/normalization/" + member,
          input.get("channels"),
          "input.channels",
          "give one value per channel",
          out);
    }
    JsonNode range = input.get("range");
    if (range != null
        && range.isArray()
        && range.size() == 2
        && range.get(0).isNumber()
        && range.get(1).isNumber()
        && !(range.get(0).doubleValue() < range.get(1).doubleValue())) {
      out.add(
          new Violation(
              "/input/range",
              "lower bound %s must be less than upper bound %s"
                  .formatted(range.get(0).asText(), range.get(1).asText())));
    }
  }

  /** Reports an array whose length differs from the integer member it must equal. */
  private static void checkCount(
      JsonNode array,
      String pointer,
      JsonNode expected,
      String expectedName,
      String advice,
      List<Violation> out) {
    if (array != null
        && array.isArray()
        && expected != null
        && expected.canConvertToExactIntegral()
        && array.size() != expected.longValue()) {
      out.add(
          new Violation(
              pointer,
              "has %d entries but %s is %d; %s"
                  .formatted(array.size(), expectedName, expected.longValue(), advice)));
    }
  }

  /**
   * @param pointer where the RKME document is
   * @param label how messages name the RKME's members ("statistical." inside a specification)
   * @param inputDimension the dimension the RKME must have, or {@code null} when it is free
   */
  private static void checkRkmeShape(
      JsonNode rkme, String pointer, String label, JsonNode inputDimension, List<Violation> out) {
    JsonNode dimension = rkme.get("dimension");
    boolean knownDimension = dimension != null && dimension.canConvertToExactIntegral();
    if (knownDimension
        && inputDimension != null
        && inputDimension.canConvertToExactIntegral()
        && dimension.longValue() != inputDimension.longValue()) {
      out.add(
          new Violation(
              Violation.child(pointer, "dimension"),
              ("is %d but input.dimension is %d; a tabular learnware's RKME summarises its input"
                      + " rows, so the two must be equal")
                  .formatted(dimension.longValue(), inputDimension.longValue())));
    }
    JsonNode z = rkme.get("z");
    String zPointer = Violation.child(pointer, "z");
    if (z != null && z.isArray()) {
      if (z.size() > SpecLimits.MAX_RKME_POINTS) {
        out.add(
            new Violation(
                zPointer,
                "has %d rows; at most %d reduced-set points are allowed"
                    .formatted(z.size(), SpecLimits.MAX_RKME_POINTS)));
      }
      long values = 0;
      for (int i = 0; i < z.size(); i++) {
        JsonNode row = z.get(i);
        if (!row.isArray()) {
          continue;
        }
        values += row.size();
        if (knownDimension && row.size() != dimension.longValue()) {
          out.add(
              new Violation(
                  Violation.child(zPointer, i),
                  "has %d values but %sdimension is %d"
                      .formatted(row.size(), label, dimension.longValue())));
        }
      }
      if (values > SpecLimits.MAX_RKME_VALUES) {
        out.add(
            new Violation(
                zPointer,
                "holds %d numbers (K·d); at most %d are allowed"
                    .formatted(values, SpecLimits.MAX_RKME_VALUES)));
      }
    }
    JsonNode beta = rkme.get("beta");
    if (beta == null || !beta.isArray()) {
      return;
    }
    String betaPointer = Violation.child(pointer, "beta");
    if (z != null && z.isArray() && beta.size() != z.size()) {
      out.add(
          new Violation(
              betaPointer,
              "has %d entries but %sz has %d rows; beta needs one weight per row of z"
                  .formatted(beta.size(), label, z.size())));
    }
    checkBetaSum(beta, betaPointer, out);
  }

  /** The weights of a kernel mean embedding are a probability distribution over the points. */
  private static void checkBetaSum(JsonNode beta, String pointer, List<Violation> out) {
    double sum = 0;
    for (JsonNode weight : beta) {
      if (!weight.isNumber() || !Double.isFinite(weight.doubleValue())) {
        return; // reported elsewhere; a sum would add nothing
      }
      sum += weight.doubleValue();
    }
    if (!beta.isEmpty() && !(Math.abs(sum - 1) <= SpecLimits.BETA_SUM_TOLERANCE)) {
      out.add(
          new Violation(
              pointer,
              "sums to %s but the weights must sum to 1 (tolerance %s)"
                  .formatted(sum, SpecLimits.BETA_SUM_TOLERANCE)));
    }
  }
}
