package io.learnware.worker.distill;

import ai.djl.Device;

/**
 * The settings a student's training needs, validated by {@link Distillation.Builder}.
 *
 * @param alpha the weight of the soft term; 1 without labels and for tree students
 * @param learningRate Adam's step for networks, the shrinkage (eta) for boosted trees
 */
record Hyperparameters(
    double temperature,
    double alpha,
    int epochs,
    int batchSize,
    double learningRate,
    long seed,
    Device device) {}
