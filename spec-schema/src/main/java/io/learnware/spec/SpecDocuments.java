package io.learnware.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reading, normalising and mapping specification documents. */
public final class SpecDocuments {

  /**
   * Duplicate member names are rejected because they make a document mean different things to
   * different readers (Jackson keeps the last one, others the first); trailing garbage after the
   * document is rejected for the same reason.
   */
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // Correctly rounded like Double.parseDouble, and several times faster: an RKME is
          // thousands of numbers, most of a search request's parsing time.
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .build();

  /**
   * Also reads the bare tokens {@code NaN}, {@code Infinity} and {@code -Infinity} that Python's
   * json module writes, so that validation can say where they are (a JSON Pointer) instead of the
   * parser refusing the whole document.
   */
  private static final ObjectMapper LENIENT_NUMBERS =
      MAPPER.rebuild().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private SpecDocuments() {}

  /**
   * Parses a specification or RKME document as {@link #mapper()} does, but reads {@code NaN} and
   * infinities as numbers for validation to report (it refuses every non-finite number).
   */
  public static JsonNode readTree(String json) throws JsonProcessingException {
    return LENIENT_NUMBERS.readTree(json);
  }

  /**
   * The mapper for specification documents. Shared: do not reconfigure it ({@code copy()} it
   * instead).
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Returns a copy of {@code spec} whose {@code statistical} member is in canonical form (see
   * {@link RkmeDocuments#normalize}); {@code spec} itself is not modified. Stored specifications
   * should be normalised so that readers only ever see one RKME format.
   */
  public static JsonNode normalize(JsonNode spec) {
    if (spec == null || !spec.isObject() || !spec.has("statistical")) {
      return spec;
    }
    ObjectNode copy = ((ObjectNode) spec).deepCopy();
    copy.set("statistical", RkmeDocuments.normalize(spec.get("statistical")));
    return copy;
  }

  /**
   * Maps a specification to records, normalising it first. Meant for documents that {@link
   * SpecValidator#validate} accepted; others may fail to map.
   *
   * @throws IllegalArgumentException if the document does not fit the records
   */
  public static LearnwareSpec parse(JsonNode spec) {
    try {
      return MAPPER.treeToValue(normalize(spec), LearnwareSpec.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not a valid learnware specification: " + e.getOriginalMessage(), e);
    }
  }

  /** The JSON document of {@code spec}; absent optional members stay absent. */
  public static JsonNode toJson(LearnwareSpec spec) {
    return MAPPER.valueToTree(spec);
  }
}
