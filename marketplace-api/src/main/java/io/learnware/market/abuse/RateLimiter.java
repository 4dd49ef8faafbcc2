package io.learnware.market.abuse;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.learnware.market.problem.MarketException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The rate limits of this API instance: one token bucket per limit and key (a client address or a
 * token's hash), in memory. Buckets idle longer than the configured time are dropped, and each
 * limit tracks at most {@code max-keys} of them (the least used go first), so memory stays bounded
 * whatever the number of distinct callers.
 */
@ApplicationScoped
public class RateLimiter {

  /** What is limited; the name appears in the refusal. */
  public enum Limit {
    FAILED_AUTH("failed authentication", "client address"),
    UPLOADS("uploads", "token"),
    JOBS("job requests", "token"),
    SEARCHES("searches", "token");

    private final String label;
    private final String keyedBy;

    Limit(String label, String keyedBy) {
      this.label = label;
      this.keyedBy = keyedBy;
    }
  }

  private record Rule(int capacity, int perMinute) {}

  private final Map<Limit, Rule> rules = new EnumMap<>(Limit.class);
  private final Map<Limit, Cache<String, TokenBucket>> buckets = new EnumMap<>(Limit.class);

  /** Hashes of tokens that authenticated lately, bounded and expired like the buckets. */
  private final Cache<String, Boolean> authenticated;

  public RateLimiter(LimitsConfig config) {
    LimitsConfig.Rate rate = config.rate();
    rules.put(Limit.FAILED_AUTH, new Rule(rate.failedAuthCapacity(), rate.failedAuthPerMinute()));
    rules.put(Limit.UPLOADS, new Rule(rate.uploadsCapacity(), rate.uploadsPerMinute()));
    rules.put(Limit.JOBS, new Rule(rate.jobsCapacity(), rate.jobsPerMinute()));
    rules.put(Limit.SEARCHES, new Rule(rate.searchesCapacity(), rate.searchesPerMinute()));
    for (Limit limit : Limit.values()) {
      buckets.put(
          limit,
          Caffeine.newBuilder()
              .maximumSize(rate.maxKeys())
              .expireAfterAccess(rate.idle().toNanos(), TimeUnit.NANOSECONDS)
              .build());
    }
    authenticated =
        Caffeine.newBuilder()
            .maximumSize(rate.maxKeys())
            .expireAfterAccess(rate.idle().toNanos(), TimeUnit.NANOSECONDS)
            .build();
  }

  /** Takes one request from {@code key}'s bucket; 429 when it is empty. */
  public void acquire(Limit limit, String key, boolean anonymous) {
    refuseIfWaiting(limit, bucket(limit, key).take(System.nanoTime()), anonymous);
  }

  /** 429 when {@code key}'s bucket is empty, without taking from it. */
  public void requireAvailable(Limit limit, String key) {
    refuseIfWaiting(limit, bucket(limit, key).peek(System.nanoTime()), false);
  }

  /** Counts a request against {@code key} after the fact (e.g. a refused token). */
  public void record(Limit limit, String key) {
    bucket(limit, key).drain(System.nanoTime());
  }

  /** Remembers a token (by its hash) that authenticated. */
  public void authenticated(String tokenKey) {
    authenticated.put(tokenKey, Boolean.TRUE);
  }

  /**
   * Whether the token authenticated within the idle time: such a token is let through an address's
   * spent failed-authentication bucket (it is still refused with 401 if revoked since).
   */
  public boolean authenticatedLately(String tokenKey) {
    return authenticated.getIfPresent(tokenKey) != null;
  }

  /** Forgets a token that was refused (revoked or expired). */
  public void forget(String tokenKey) {
    authenticated.invalidate(tokenKey);
  }

  private TokenBucket bucket(Limit limit, String key) {
    Rule rule = rules.get(limit);
    return buckets
        .get(limit)
        .get(key, k -> new TokenBucket(rule.capacity(), rule.perMinute(), System.nanoTime()));
  }

  private void refuseIfWaiting(Limit limit, long waitNanos, boolean anonymous) {
    if (waitNanos <= 0) {
      return;
    }
    Rule rule = rules.get(limit);
    long seconds = Math.max(1, (long) Math.ceil(Math.min(waitNanos, 86_400e9) / 1e9));
    String per = anonymous ? "client address" : limit.keyedBy;
    throw new MarketException.TooManyRequests(
        "Rate limit '%s' exceeded: %d per minute (bursts of %d) per %s; retry in %d s."
            .formatted(limit.label, rule.perMinute(), rule.capacity(), per, seconds),
        seconds);
  }
}
