package io.learnware.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One input feature of a tabular learnware.
 *
 * @param name column name, unique within the input
 * @param description meaning, unit and range, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeatureSpec(String name, String description) {}
