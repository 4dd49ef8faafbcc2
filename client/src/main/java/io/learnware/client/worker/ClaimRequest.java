package io.learnware.client.worker;

import java.util.List;

/** {@code POST /api/v1/worker/claim}: who asks, for which job types, on what device. */
public record ClaimRequest(String workerId, List<String> types, String device) {}
