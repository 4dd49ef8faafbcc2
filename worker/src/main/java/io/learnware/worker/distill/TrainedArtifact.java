package io.learnware.worker.distill;

import java.nio.file.Path;
import java.util.List;

/** What a student's training produced: the saved model and its per-epoch losses. */
record TrainedArtifact(Path artifact, List<DistillationReport.Epoch> history) {}
