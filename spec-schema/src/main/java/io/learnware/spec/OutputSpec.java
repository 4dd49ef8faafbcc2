package io.learnware.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One output of a learnware: a vector of {@code dimension} values.
 *
 * @param labels one name per output component (class names for classification), or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutputSpec(int dimension, List<String> labels) {}
