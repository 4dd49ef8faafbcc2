package io.learnware.spec;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A learnware specification (schema {@code learnware-spec-v1.schema.json}). Obtain one with {@link
 * SpecDocuments#parse} from a document that {@link SpecValidator} accepted; optional members are
 * {@code null} when absent, so that serialising gives back the same JSON.
 *
 * @param extensions the document's {@code x-…} members, kept verbatim; empty when there are none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "specVersion",
  "name",
  "description",
  "dataType",
  "task",
  "input",
  "output",
  "license",
  "tags",
  "model",
  "statistical"
})
public record LearnwareSpec(
    int specVersion,
    String name,
    String description,
    DataType dataType,
    Task task,
    InputSpec input,
    OutputSpec output,
    String license,
    List<String> tags,
    ModelSpec model,
    RkmeSpec statistical,
    @JsonAnyGetter @JsonAnySetter Map<String, JsonNode> extensions) {

  public LearnwareSpec {
    // Unmodifiable, in document order, so that serialising reproduces the document.
    extensions =
        extensions == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
  }
}
