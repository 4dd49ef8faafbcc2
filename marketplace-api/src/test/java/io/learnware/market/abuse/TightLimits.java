package io.learnware.market.abuse;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Limits small enough to reach in a few requests, shared by every abuse test so that Quarkus starts
 * once for them. Refills are one a minute, so no bucket refills while a test runs.
 */
public class TightLimits implements QuarkusTestProfile {

  /** Holds the digits fixture (model and feature extractor, 26,123 bytes) but not much more. */
  static final long STORAGE = 30 * 1024;

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.ofEntries(
        Map.entry("learnware.limits.rate.failed-auth-capacity", "3"),
        Map.entry("learnware.limits.rate.failed-auth-per-minute", "1"),
        Map.entry("learnware.limits.rate.uploads-capacity", "3"),
        Map.entry("learnware.limits.rate.uploads-per-minute", "1"),
        Map.entry("learnware.limits.rate.jobs-capacity", "3"),
        Map.entry("learnware.limits.rate.jobs-per-minute", "1"),
        Map.entry("learnware.limits.rate.searches-capacity", "3"),
        Map.entry("learnware.limits.rate.searches-per-minute", "1"),
        Map.entry("learnware.limits.quota.storage", Long.toString(STORAGE)),
        Map.entry("learnware.limits.quota.queued-jobs", "2"),
        Map.entry("learnware.limits.quota.running-jobs", "1"),
        Map.entry("learnware.limits.quota.pending-validations", "2"),
        Map.entry("learnware.limits.quota.tokens", "3"),
        // Each test speaks for client addresses of its own through X-Forwarded-For, which the
        // market honours only from a trusted proxy (the test client, here).
        Map.entry("quarkus.http.proxy.proxy-address-forwarding", "true"),
        Map.entry("quarkus.http.proxy.allow-x-forwarded", "true"),
        Map.entry("quarkus.http.proxy.trusted-proxies", "127.0.0.1,::1"));
  }
}
