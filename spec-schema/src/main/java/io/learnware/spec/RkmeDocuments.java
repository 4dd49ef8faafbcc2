package io.learnware.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * Converts statistical specifications to the canonical {@code rkme-table} form.
 *
 * <p>Besides the canonical form, uploads and searches accept the JSON that the learnware Python
 * package writes ({@code RKMETableSpecification.save}): {@code {"type": "RKMETableSpecification",
 * "gamma", "num_points", "z", "beta", "cuda_idx", "device"}}. There {@code z} keeps the shape of
 * the data (a row may be nested deeper, e.g. {@code [K][h][w]}) and {@code beta} may be a column
 * {@code [[b₁], [b₂], …]}; both are flattened, {@code dimension} is taken from the first row, the
 * kernel is Gaussian (the package's only one), and the device members are dropped.
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
