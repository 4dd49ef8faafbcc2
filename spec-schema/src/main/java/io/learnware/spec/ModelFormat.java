package io.learnware.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/** Serialisation of a learnware's model artifact, which decides how it is loaded. */
public enum ModelFormat {
  TORCHSCRIPT("torchscript"),
  ONNX("onnx"),
  DJL("djl"),
  XGBOOST("xgboost"),
  /** A published ensemble: an {@code ensemble.json} pinning other versions (docs/ensembles.md). */
  ENSEMBLE("ensemble");

  private final String jsonName;

  ModelFormat(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The name used in JSON documents. */
  @JsonValue
  public String jsonName() {
    return jsonName;
  }
}
