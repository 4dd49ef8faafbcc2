package io.learnware.market.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.account.Caller;
import io.learnware.market.account.Role;
import io.learnware.market.account.Scope;
import io.learnware.market.job.JobQueue.CompleteCommand;
import io.learnware.market.learnware.LearnwareService;
import io.learnware.market.learnware.LearnwareVersion;
import io.learnware.market.problem.MarketException;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code validate}: a worker's verdict on a version, which makes it USABLE or INVALID. The market
 * queues one for every upload; these are not users' requests, so quotas do not count them.
 */
@ApplicationScoped
public class ValidateJobType implements JobType {

  public static final String NAME = "validate";

  private final LearnwareService learnwares;
  private final WorkerText text;

  public ValidateJobType(LearnwareService learnwares, WorkerText text) {
    this.learnwares = learnwares;
    this.text = text;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** A version of any state may be validated (again), by those who may write it. */
  @Override
  public void checkSource(Caller caller, LearnwareVersion source) {
    caller.require(source.learnware.owner, Role.WRITE, Scope.WRITE);
  }

  @Override
  public boolean writesSource() {
    return true;
  }

  @Override
  public Completion complete(Job job, ObjectNode report, CompleteCommand result) {
    JsonNode usable = report.get("usable");
    if (usable == null || !usable.isBoolean()) {
      throw new MarketException.InvalidInput("/report/usable", "a validation report needs usable");
    }
    // The model's own words go to its owner only, never into the public report.
    JsonNode modelError = report.remove("modelError");
    // A version deleted while it was validated has no verdict to keep; the job still ends.
    if (job.sourceVersionId != null
        && learnwares.recordValidation(
            job.sourceVersionId,
            usable.booleanValue(),
            text.clean(logOf(report)),
            modelError == null || !modelError.isTextual() ? null : modelError.textValue())) {
      learnwares.addReport(job.sourceVersionId, job.id, job.type, report.toString());
    }
    return new Completion.Recorded(null);
  }

  /** A version whose validation cannot run is not usable either; the log says why. */
  @Override
  public void failed(Job job, boolean fromWorker) {
    if (job.sourceVersionId == null) {
      return;
    }
    if (fromWorker) {
      learnwares.recordValidation(
          job.sourceVersionId,
          false,
          "validation failed: the worker could not finish the checks (its error is shown to the"
              + " owner)",
          job.error);
    } else {
      learnwares.recordValidation(
          job.sourceVersionId, false, "validation failed: " + job.error, null);
    }
  }

  @Override
  public void cancelled(Job job, String by) {
    if (job.sourceVersionId != null) {
      learnwares.recordCancelledValidation(job.sourceVersionId, by);
    }
  }

  /** The validation log as text: the report's {@code log} lines, or its reason. */
  private static String logOf(JsonNode report) {
    JsonNode log = report.get("log");
    if (log != null && log.isArray()) {
      StringBuilder text = new StringBuilder();
      log.forEach(line -> text.append(line.asText()).append('\n'));
      return text.toString();
    }
    return report.path("reason").asText(null);
  }
}
