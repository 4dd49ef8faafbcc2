package io.learnware.spec;

/**
 * A feature extractor shipped with the model as an extra artifact.
 *
 * @param file filename of the upload's {@code file} part; a plain name, never a path
 * @param dimension length of the feature vector it outputs
 */
public record FeatureExtractorSpec(String file, int dimension) {}
