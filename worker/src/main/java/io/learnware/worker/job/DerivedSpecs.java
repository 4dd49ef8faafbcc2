package io.learnware.worker.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.RkmeSpec;
import io.learnware.spec.SpecDocuments;

/**
 * The specification of a learnware a job made from another: the source's document (input, licence,
 * tags, extensions) with a new name and description, a tag saying how it was made, the new model
 * and an RKME of the data it was trained on. Names and descriptions are cut to the spec's limits.
 */
public final class DerivedSpecs {

  private static final int MAX_NAME = 200;
  private static final int MAX_DESCRIPTION = 10_000;
  private static final int MAX_TAGS = 32;

  private DerivedSpecs() {}

  /**
   * @param tag added to the tags unless present (or the tags are full), e.g. {@code distilled}
   * @param format the new model's format
   * @param architecture the new model's {@code model.architecture}, or null for formats that take
   *     none
   */
  public static ObjectNode derive(
      JsonNode sourceDocument,
      String name,
      String description,
      String tag,
      ModelFormat format,
      JsonNode architecture,
      RkmeSpec rkme) {
    ObjectNode spec = ((ObjectNode) sourceDocument).deepCopy();
    spec.put("name", truncate(name, MAX_NAME));
    spec.put("description", truncate(description, MAX_DESCRIPTION));
    ArrayNode tags = spec.has("tags") ? (ArrayNode) spec.get("tags") : spec.putArray("tags");
    boolean tagged = false;
    for (JsonNode existing : tags) {
      tagged |= tag.equals(existing.asText());
    }
    if (!tagged && tags.size() < MAX_TAGS) {
      tags.add(tag);
    }
    ObjectNode model = SpecDocuments.mapper().createObjectNode();
    model.put("format", format.jsonName());
    if (architecture != null) {
      model.set("architecture", architecture);
    }
    spec.set("model", model);
    spec.set("statistical", SpecDocuments.mapper().valueToTree(rkme));
    return spec;
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
