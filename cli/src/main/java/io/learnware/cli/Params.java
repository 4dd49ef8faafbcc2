package io.learnware.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Sets job parameters from options that were given; options left out keep the server default. */
final class Params {

  private Params() {}

  static void put(ObjectNode params, String name, Object value) {
    switch (value) {
      case null -> {}
      case Integer v -> params.put(name, v);
      case Long v -> params.put(name, v);
      case Double v -> params.put(name, v);
      case Boolean v -> params.put(name, v);
      case String v -> params.put(name, v);
      case List<?> list -> {
        ArrayNode array = params.putArray(name);
        for (Object item : list) {
          switch (item) {
            case Integer v -> array.add(v);
            case Double v -> array.add(v);
            default -> array.add(item.toString());
          }
        }
      }
      default -> throw new IllegalArgumentException(name + ": " + value.getClass());
    }
  }
}
