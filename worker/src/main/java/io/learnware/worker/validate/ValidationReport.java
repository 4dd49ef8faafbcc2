package io.learnware.worker.validate;

import java.util.List;

/**
 * The outcome of validating a model artifact against its specification; serialised as the {@code
 * validate} job's report (contract names), with {@code usable} and {@code reason} added.
 *
 * @param loads whether the engine (PyTorch for TorchScript, ONNX Runtime for ONNX) loaded the
 *     artifact
 * @param outputShape the output shape for the random probe batch, e.g. {@code [64, 10]}; {@code
 *     null} when the model did not run
 * @param finite whether every output on every probe was finite; {@code false} when the model did
 *     not run
 * @param parameters number of parameter values (for ONNX, the values in the graph's initializers);
 *     {@code null} when the model did not load or, for ONNX, when they cannot be counted (the log
 *     says so)
 * @param latencyMsPerSample mean forward-pass time per sample after a warm-up; {@code null} when
 *     the model did not run
 * @param log what was checked, in order, one human-readable line each
 * @param usable whether every check passed
 * @param reason what is wrong when not {@code usable}, in the market's words, else {@code null}
 * @param modelError the engine's or the model's own error text when it failed to load or run, else
 *     {@code null}: untrusted, so kept out of {@code log} and {@code reason} (the market shows it
 *     to the learnware's owner only)
 */
public record ValidationReport(
    boolean loads,
    List<Long> outputShape,
    boolean finite,
    Long parameters,
    Double latencyMsPerSample,
    List<String> log,
    boolean usable,
    String reason,
    String modelError) {

  public ValidationReport {
    outputShape = outputShape == null ? null : List.copyOf(outputShape);
    log = List.copyOf(log);
  }
}
