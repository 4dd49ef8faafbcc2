package io.learnware.client.worker;

/** {@code POST /api/v1/worker/jobs/{id}/fail}; retryable failures go back to the queue. */
public record Failure(String error, boolean retryable) {}
