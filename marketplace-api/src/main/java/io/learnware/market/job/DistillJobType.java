package io.learnware.market.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.job.JobQueue.CompleteCommand;
import io.learnware.market.learnware.LearnwareService;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code distill}: a smaller student of the source (docs/distillation.md). */
@ApplicationScoped
public class DistillJobType implements DerivingJobType {

  public static final String NAME = "distill";

  private final LearnwareService learnwares;

  public DistillJobType(LearnwareService learnwares) {
    this.learnwares = learnwares;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String relation() {
    return "distilled";
  }

  @Override
  public Completion complete(Job job, ObjectNode report, CompleteCommand result) {
    return DerivingJobType.record(learnwares, job, report, result, relation());
  }
}
