package io.learnware.market.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.learnware.market.job.JobDtos.JobRequest;
import io.learnware.market.job.JobQueue.CompleteCommand;
import io.learnware.market.learnware.LearnwareService;
import io.learnware.market.learnware.LearnwareVersion;
import io.learnware.market.problem.MarketException;
import io.learnware.spec.SpecValidator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * {@code evaluate}: the source measured on a labelled data set or a bundled benchmark set
 * (docs/evaluate.md); the report is kept on the source, one per evaluation.
 */
@ApplicationScoped
public class EvaluateJobType implements JobType {

  private final LearnwareService learnwares;
  private final SpecValidator validator;
  private final ObjectMapper mapper;

  public EvaluateJobType(
      LearnwareService learnwares, SpecValidator validator, ObjectMapper mapper) {
    this.learnwares = learnwares;
    this.validator = validator;
    this.mapper = mapper;
  }

  @Override
  public String name() {
    return "evaluate";
  }

  @Override
  public void checkRequest(JobRequest request, LearnwareVersion source) {
    boolean benchmark = request.params() != null && request.params().has("benchmark");
    if (request.dataset() == null && !benchmark) {
      throw new MarketException.InvalidInput(
          "/dataset",
          "an evaluate job needs a labelled data set (owner/name), or a bundled benchmark set"
              + " in params.benchmark");
    }
    if (request.dataset() != null && benchmark) {
      throw new MarketException.InvalidInput(
          "/params/benchmark", "name a data set or a benchmark set, not both");
    }
    if (benchmark && !request.params().get("benchmark").isTextual()) {
      throw new MarketException.InvalidInput(
          "/params/benchmark", "must be the name of a bundled benchmark set");
    }
  }

  @Override
  public Completion complete(Job job, ObjectNode report, CompleteCommand result) {
    // Which data set the figures belong to is the market's to say, not the worker's.
    if (report.get("data") instanceof ObjectNode data) {
      data.remove(List.of("dataset", "benchmark"));
      if (job.dataset != null) {
        data.put("dataset", job.dataset);
      }
      JsonNode benchmark = params(job).get("benchmark");
      if (benchmark != null && benchmark.isTextual()) {
        data.put("benchmark", benchmark.textValue());
      }
    }
    JobType.requireValidReport("evaluation", validator.validateEvaluateReport(report));
    if (job.sourceVersionId != null) {
      learnwares.addReport(job.sourceVersionId, job.id, job.type, report.toString());
    }
    return new Completion.Recorded(null);
  }

  private JsonNode params(Job job) {
    try {
      return mapper.readTree(job.params);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored job's params are not JSON", e);
    }
  }
}
