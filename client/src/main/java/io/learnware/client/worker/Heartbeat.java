package io.learnware.client.worker;

/**
 * {@code POST /api/v1/worker/jobs/{id}/heartbeat}: renews the lease and reports progress.
 *
 * @param progress 0..1
 */
public record Heartbeat(double progress, String message) {}
