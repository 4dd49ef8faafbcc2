package io.learnware.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/** Kind of input a learnware consumes; decides which members {@link InputSpec} carries. */
public enum DataType {
  TABLE("table"),
  IMAGE("image"),
  TEXT("text");

  private final String jsonName;

  DataType(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The name used in JSON documents and query parameters. */
  @JsonValue
  public String jsonName() {
    return jsonName;
  }
}
