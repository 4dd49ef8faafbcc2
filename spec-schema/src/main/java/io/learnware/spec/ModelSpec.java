package io.learnware.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * How to load the model artifact.
 *
 * @param framework framework and version the model was exported with (e.g. {@code pytorch-1.13}),
 *     or {@code null}
 * @param featureExtractor the optional second artifact used by transfer jobs, or {@code null}
 * @param architecture for {@code djl} and {@code xgboost} models, what to rebuild before loading
 *     the parameters ({@code type} mlp, cnn or gbdt, and its sizes); {@code null} otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelSpec(
    ModelFormat format,
    String framework,
    FeatureExtractorSpec featureExtractor,
    JsonNode architecture) {}
