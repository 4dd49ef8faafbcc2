package io.learnware.worker.distill;

import ai.djl.Device;
import io.learnware.spec.Task;

/**
 * The settings a student's training needs, validated by {@link Distillation.Builder}.
 *
 * @param task the teacher's: a classifier's students learn soft targets, a regressor's fit its
 *     outputs by squared error (temperature and alpha unused)
 * @param alpha the weight of the soft term; 1 without labels and for tree students
 * @param learningRate Adam's step for networks, the shrinkage (eta) for boosted trees
 */
record Hyperparameters(
    Task task,
    double temperature,
    double alpha,
    int epochs,
    int batchSize,
    double learningRate,
    long seed,
    Device device) {

  boolean regression() {
    return task == Task.REGRESSION;
  }
}
