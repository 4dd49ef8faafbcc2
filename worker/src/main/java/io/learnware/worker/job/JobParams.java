package io.learnware.worker.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.spec.SpecDocuments;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * A job's {@code params} object, read with messages that say which parameter is wrong and how.
 * Names are checked up front, so that a typo fails before any model or data is read.
 */
public final class JobParams {

  private final JsonNode params;

  /** What messages put before a name: nothing, or e.g. {@code "fooling "} inside an object. */
  private final String prefix;

  private JobParams(JsonNode params, String prefix) {
    this.params = params;
    this.prefix = prefix;
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
    return checked(node, "", type, allowed);
  }

  /**
   * A parameter that is itself an object of parameters, e.g. {@code "fooling": {"generations":
   * 50}}; messages about its members name them after it ({@code fooling generations …}).
   *
   * @throws JobFailure when it is not an object or names a member not in {@code allowed}
   */
  public JobParams object(String name, Set<String> allowed) throws JobFailure {
    JsonNode value = params.get(name);
    if (!value.isObject()) {
      throw new JobFailure(
          "%s must be an object {%s}, got %s"
              .formatted(
                  label(name),
                  allowed.stream()
                      .sorted()
                      .map(member -> "\"" + member + "\": …")
                      .collect(Collectors.joining(", ")),
                  value));
    }
    return checked(value, prefix + name + " ", prefix + name, allowed);
  }

  private static JobParams checked(JsonNode node, String prefix, String owner, Set<String> allowed)
      throws JobFailure {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new JobFailure(
            "unknown %sparameter \"%s\"; %s takes %s"
                .formatted(
                    prefix, name, owner, String.join(", ", allowed.stream().sorted().toList())));
      }
    }
    return new JobParams(node, prefix);
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
      throw new JobFailure(label(name) + " must be a number, got " + value);
    }
    return value.doubleValue();
  }

  /**
   * A number whose type error reads like a list item's ({@code "X must be numbers, got …"}), as the
   * robustness job's single numbers have always answered.
   */
  public double numberItem(String name) throws JobFailure {
    return item(params.get(name), name);
  }

  /** A list of numbers. */
  public List<Double> numbers(String name) throws JobFailure {
    JsonNode value = params.get(name);
    if (!value.isArray()) {
      throw new JobFailure(label(name) + " must be a list of numbers, got " + value);
    }
    List<Double> out = new ArrayList<>();
    for (JsonNode item : value) {
      out.add(item(item, name));
    }
    return out;
  }

  private double item(JsonNode value, String name) throws JobFailure {
    if (!value.isNumber()) {
      throw new JobFailure(label(name) + " must be numbers, got " + value);
    }
    return value.doubleValue();
  }

  public long integer(String name) throws JobFailure {
    JsonNode value = params.get(name);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new JobFailure(label(name) + " must be an integer, got " + value);
    }
    return value.longValue();
  }

  /**
   * An integer in {@code min..max}, or {@code fallback} when absent; one message for a value of the
   * wrong type or out of range.
   */
  public int intIn(String name, int min, int max, int fallback) throws JobFailure {
    JsonNode value = params.get(name);
    if (value == null) {
      return fallback;
    }
    if (!value.isIntegralNumber()
        || !value.canConvertToInt()
        || value.intValue() < min
        || value.intValue() > max) {
      throw new JobFailure(
          "%s must be an integer %d..%d, got %s".formatted(label(name), min, max, value));
    }
    return value.intValue();
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
      throw new JobFailure(label(name) + " must be true or false, got " + value);
    }
    return value.booleanValue();
  }

  /** Gives a builder's setter the {@link #number} when the parameter is there. */
  public void ifNumber(String name, DoubleConsumer setter) throws JobFailure {
    if (has(name)) {
      setter.accept(number(name));
    }
  }

  /** Gives a builder's setter the {@link #clampedInt} when the parameter is there. */
  public void ifInt(String name, IntConsumer setter) throws JobFailure {
    if (has(name)) {
      setter.accept(clampedInt(name));
    }
  }

  /** Gives a builder's setter the {@link #bool} when the parameter is there. */
  public void ifBool(String name, Consumer<Boolean> setter) throws JobFailure {
    if (has(name)) {
      setter.accept(bool(name));
    }
  }

  private String label(String name) {
    return prefix + name;
  }
}
