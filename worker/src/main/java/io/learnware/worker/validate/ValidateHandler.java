package io.learnware.worker.validate;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.learnware.worker.job.JobContext;
import io.learnware.worker.job.JobFailure;
import io.learnware.worker.job.JobHandler;
import io.learnware.worker.job.JobOutcome;
import io.learnware.worker.model.Devices;
import io.learnware.worker.model.ModelException;
import io.learnware.worker.model.ModelSource;
import java.util.List;
import java.util.Optional;

/**
 * The {@code validate} job: checks the source version's model against its specification (see {@link
 * Validation}) and returns the verdict that makes the version {@code USABLE} or {@code INVALID}. A
 * model that does not load or fails a check is a verdict, not a job failure; the job fails only
 * when this worker cannot judge the model (a format or data type it does not run, e.g. text) or the
 * parameters are invalid.
 *
 * <p>Optional params: {@code probes} (samples per probe batch, default {@value
 * Validation#DEFAULT_PROBES}, at most {@value Validation#MAX_PROBES}) and {@code seed} (default 0).
 */
public final class ValidateHandler implements JobHandler {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String type() {
    return "validate";
  }

  @Override
  public JobOutcome run(JobContext context) throws JobFailure {
    Optional<String> unsupported = Validation.unsupported(context.source());
    if (unsupported.isPresent()) {
      throw new JobFailure(unsupported.get());
    }
    JsonNode params = context.params();
    Device device = Devices.select(context.device());
    Validation.Builder validation =
        Validation.builder()
            .setModel(context.sourceModel())
            .setSpec(context.source())
            .optDevice(device)
            .optMembers(members(context, device))
            .optSeed(longParam(params, "seed", 0))
            .optListener(
                (stage, fraction) -> {
                  context.progress().checkCancelled();
                  context.progress().report(fraction, stage);
                });
    try {
      validation.optProbes(intParam(params, "probes", Validation.DEFAULT_PROBES));
    } catch (IllegalArgumentException e) {
      throw new JobFailure("params." + e.getMessage());
    }
    ValidationReport report = validation.build().run();
    return JobOutcome.verdict(JSON.valueToTree(report), report.usable());
  }

  /** A published ensemble's members; a member the worker cannot run fails the job. */
  private static List<ModelSource> members(JobContext context, Device device) throws JobFailure {
    try {
      return context.memberSources(device);
    } catch (ModelException e) {
      throw new JobFailure("a member of the ensemble cannot be run: " + e.getMessage(), e);
    }
  }

  private static int intParam(JsonNode params, String name, int fallback) throws JobFailure {
    JsonNode value = params.get(name);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw new JobFailure("params.%s must be an integer, got %s".formatted(name, value));
    }
    return value.intValue();
  }

  private static long longParam(JsonNode params, String name, long fallback) throws JobFailure {
    JsonNode value = params.get(name);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.canConvertToLong() || !value.isIntegralNumber()) {
      throw new JobFailure("params.%s must be an integer, got %s".formatted(name, value));
    }
    return value.longValue();
  }
}
