package io.learnware.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One input sample. A single record for all data types (the data type is a sibling member of the
 * specification, so it cannot select a subtype here); only the members of the learnware's {@link
 * DataType} are set, the others are {@code null}.
 *
 * @param dimension table: number of features
 * @param features table: one entry per feature, or {@code null}
 * @param channels image: colour channels, 1..4
 * @param height image: pixels
 * @param width image: pixels
 * @param range image: [lowest, highest] pixel value before normalization, or {@code null}
 * @param normalization image: per-channel normalization the caller applies, or {@code null}
 * @param maxLength text: longest input in tokens, or {@code null}
 * @param tokenizer text: tokenizer and vocabulary the model expects, or {@code null}
 * @param vocabularySize text: number of distinct tokens, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InputSpec(
    Integer dimension,
    List<FeatureSpec> features,
    Integer channels,
    Integer height,
    Integer width,
    List<Double> range,
    NormalizationSpec normalization,
    Integer maxLength,
    String tokenizer,
    Integer vocabularySize) {}
