package io.learnware.market.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.job.JobQueue.CompleteCommand;
import io.learnware.market.learnware.LearnwareService;
import io.learnware.spec.SpecValidator;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code robustness}: the source under noise, corruptions and attacks (docs/robustness.md); the
 * report is kept on the source, where search filters on it.
 */
@ApplicationScoped
public class RobustnessJobType implements JobType {

  private final LearnwareService learnwares;
  private final SpecValidator validator;

  public RobustnessJobType(LearnwareService learnwares, SpecValidator validator) {
    this.learnwares = learnwares;
    this.validator = validator;
  }

  @Override
  public String name() {
    return "robustness";
  }

  @Override
  public Completion complete(Job job, ObjectNode report, CompleteCommand result) {
    JobType.requireValidReport("robustness", validator.validateRobustnessReport(report));
    // A source deleted while it was measured leaves the report on the job alone.
    if (job.sourceVersionId != null) {
      learnwares.addReport(job.sourceVersionId, job.id, job.type, report.toString());
    }
    return new Completion.Recorded(null);
  }
}
