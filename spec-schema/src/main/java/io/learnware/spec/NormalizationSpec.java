package io.learnware.spec;

import java.util.List;

/**
 * Per-channel {@code (x - mean) / std} an image learnware expects its caller to apply.
 *
 * @param mean one value per channel
 * @param std one positive value per channel
 */
public record NormalizationSpec(List<Double> mean, List<Double> std) {}
