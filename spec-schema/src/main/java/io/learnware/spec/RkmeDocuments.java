package io.learnware.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * Converts statistical specifications between the canonical {@code rkme-table} form and the JSON of
 * Beimingwu's learnware Python package.
 *
 * <p>Besides the canonical form, uploads and searches accept the JSON that the package writes
 * ({@code RKMETableSpecification.save}): {@code {"z", "beta", "gamma", "num_points", "type":
 * "RKMETableSpecification"}}, from older versions also {@code "cuda_idx", "device"}. There {@code
 * z} keeps the shape of the data (a row may be nested deeper, e.g. {@code [K][h][w]}) and {@code
 * beta} may be a column {@code [[b₁], [b₂], …]}; both are flattened, {@code dimension} is taken
 * from the first row, the kernel is Gaussian (the package's only one), and the device members are
 * dropped. {@link #toBeimingwu} writes the way back.
 */
public final class RkmeDocuments {

  /** {@code type} values the learnware package writes; RKMEStatSpecification is the older name. */
  private static final Set<String> PACKAGE_TYPES =
      Set.of("RKMETableSpecification", "RKMEStatSpecification");

  /** Largest magnitude of a negative weight taken as solver rounding. */
  static final double NEGATIVE_ROUNDING = 1e-9;

  private RkmeDocuments() {}

  /**
   * Returns {@code statistical} in canonical form. Documents of the package's format become a new
   * canonical document; anything else (canonical or not an RKME at all) is returned unchanged, so
   * that validation reports what is wrong with it. Malformed parts are carried over as they are
   * rather than dropped, for the same reason.
   */
  public static JsonNode normalize(JsonNode statistical) {
    if (statistical == null
        || !statistical.isObject()
        || !PACKAGE_TYPES.contains(statistical.path("type").asText())) {
      return statistical;
    }
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ObjectNode canonical = nodes.objectNode();
    canonical.put("type", RkmeSpec.TYPE);
    canonical.put("kernel", RkmeSpec.GAUSSIAN);
    copyIfPresent(statistical, "gamma", canonical, "gamma");
    JsonNode z = statistical.get("z");
    if (z != null && z.isArray()) {
      ArrayNode rows = nodes.arrayNode(z.size());
      for (JsonNode row : z) {
        rows.add(row.isArray() ? flatten(row, nodes.arrayNode(row.size())) : row);
      }
      if (!rows.isEmpty() && rows.get(0).isArray()) {
        canonical.put("dimension", rows.get(0).size());
      }
      z = rows;
    }
    copyIfPresent(statistical, "num_points", canonical, "numPoints");
    // Only the market's own export writes it: an image RKME keeps its feature map on the round
    // trip.
    copyIfPresent(statistical, "featureMap", canonical, "featureMap");
    if (z != null) {
      canonical.set("z", z);
    }
    JsonNode beta = statistical.get("beta");
    if (beta != null) {
      canonical.set(
          "beta",
          beta.isArray() ? clampRounding(flatten(beta, nodes.arrayNode(beta.size()))) : beta);
    }
    return canonical;
  }

  /** The {@code type} that Beimingwu's {@code load()} of a table RKME accepts. */
  public static final String BEIMINGWU_TYPE = "RKMETableSpecification";

  /**
   * {@code rkme} as Beimingwu's {@code RKMETableSpecification.save()} writes it: members {@code z},
   * {@code beta}, {@code gamma}, {@code num_points} and {@code type}, in that order. An image RKME
   * also gets {@code featureMap}, which Beimingwu's {@code load()} ignores (it reads only its own
   * members) and {@link #normalize} restores; to Beimingwu it is a table RKME over the 64 features
   * of that map.
   */
  public static ObjectNode toBeimingwu(RkmeSpec rkme) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    ArrayNode z = out.putArray("z");
    for (double[] row : rkme.z()) {
      ArrayNode values = z.addArray();
      for (double value : row) {
        values.add(value);
      }
    }
    ArrayNode beta = out.putArray("beta");
    for (double weight : rkme.beta()) {
      beta.add(weight);
    }
    out.put("gamma", rkme.gamma());
    // Python writes an int; so do we (an int node, like the one read back from its file).
    if (rkme.numPoints() == (int) rkme.numPoints()) {
      out.put("num_points", (int) rkme.numPoints());
    } else {
      out.put("num_points", rkme.numPoints());
    }
    out.put("type", BEIMINGWU_TYPE);
    if (rkme.featureMap() != null) {
      out.set("featureMap", SpecDocuments.mapper().valueToTree(rkme.featureMap()));
    }
    return out;
  }

  private static void copyIfPresent(JsonNode from, String name, ObjectNode to, String as) {
    JsonNode value = from.get(name);
    if (value != null) {
      to.set(as, value);
    }
  }

  /**
   * The package's solver returns weights like −1e−12 for points it dropped; they mean 0. Anything
   * more negative is left for validation to reject.
   */
  private static ArrayNode clampRounding(ArrayNode beta) {
    for (int i = 0; i < beta.size(); i++) {
      JsonNode weight = beta.get(i);
      if (weight.isNumber()
          && weight.doubleValue() < 0
          && weight.doubleValue() >= -NEGATIVE_ROUNDING) {
        beta.set(i, JsonNodeFactory.instance.numberNode(0.0));
      }
    }
    return beta;
  }

  /** Appends the leaves of a nested array to {@code into}, depth first. */
  private static ArrayNode flatten(JsonNode array, ArrayNode into) {
    for (JsonNode element : array) {
      if (element.isArray()) {
        flatten(element, into);
      } else {
        into.add(element);
      }
    }
    return into;
  }
}
