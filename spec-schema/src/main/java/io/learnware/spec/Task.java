package io.learnware.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a learnware's output means. */
public enum Task {
  CLASSIFICATION("classification"),
  REGRESSION("regression"),
  FEATURE_EXTRACTION("feature-extraction"),
  SEGMENTATION("segmentation"),
  DETECTION("detection"),
  GENERATION("generation"),
  OTHER("other");

  private final String jsonName;

  Task(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The name used in JSON documents and query parameters. */
  @JsonValue
  public String jsonName() {
    return jsonName;
  }
}
