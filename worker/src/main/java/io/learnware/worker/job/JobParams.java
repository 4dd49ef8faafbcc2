package io.learnware.worker.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.SpecDocuments;
import java.util.Iterator;
import java.util.Set;

/**
 * A job's {@code params} object, read with messages that say which parameter is wrong and how.
 * Names are checked up front, so that a typo fails before any model or data is read.
 */
public final class JobParams {

  private final JsonNode params;

  private JobParams(JsonNode params) {
    this.params = params;
  }

  /**
   * @param params the job's params ({@code null} for none)
   * @param type the job type, for messages
   * @param allowed the parameter names the job type takes
   * @throws JobFailure when params is not an object or names a parameter not in {@code allowed}
   */
  public static JobParams of(JsonNode params, String type, Set<String> allowed) throws JobFailure {
    JsonNode node = params == null ? SpecDocuments.mapper().createObjectNode() : params;
    if (!node.isObject()) {
      throw new JobFailure("params must be an object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new JobFailure(
            "unknown parameter \"%s\"; %s takes %s"
                .formatted(name, type, String.join(", ", allowed.stream().sorted().toList())));
      }
    }
    return new JobParams(node);
  }

  public boolean has(String name) {
    return params.has(name);
  }

  /** The raw value, or {@code null} when absent. */
  public JsonNode get(String name) {
    return params.get(name);
  }

  /** The whole object. */
  public JsonNode node() {
    return params;
  }

  public double number(String name) throws JobFailure {
    JsonNode value = params.get(name);
    if (!value.isNumber()) {
      throw new JobFailure(name + " must be a number, got " + value);
    }
    return value.doubleValue();
  }

  public long integer(String name) throws JobFailure {
    JsonNode value = params.get(name);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new JobFailure(name + " must be an integer, got " + value);
    }
    return value.longValue();
  }

  public long integer(String name, long fallback) throws JobFailure {
    return params.has(name) ? integer(name) : fallback;
  }

  /**
   * An integer for a setting whose range a builder checks: values beyond {@code int} are clamped to
   * its ends, so the builder's message still names an out-of-range value.
   */
  public int clampedInt(String name) throws JobFailure {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, integer(name)));
  }

  public boolean bool(String name) throws JobFailure {
    JsonNode value = params.get(name);
    if (!value.isBoolean()) {
      throw new JobFailure(name + " must be true or false, got " + value);
    }
    return value.booleanValue();
  }
}
