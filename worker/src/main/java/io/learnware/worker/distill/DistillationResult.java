package io.learnware.worker.distill;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.rkme.Matrix;
import java.nio.file.Path;

/**
 * What a distillation produced.
 *
 * @param artifact the student's model file
 * @param format how to load it: {@code djl} or {@code xgboost}
 * @param architecture the specification's {@code model.architecture} for the student
 * @param report the measures and per-epoch losses
 * @param transferSet every row distilled on (training and held-out), e.g. for the student's RKME
 */
public record DistillationResult(
    Path artifact,
    ModelFormat format,
    ObjectNode architecture,
    DistillationReport report,
    Matrix transferSet) {}
