package io.learnware.market.abuse;

/**
 * A token bucket: holds up to {@code capacity} tokens and gains {@code perMinute} of them a minute.
 * Each request takes one; an empty bucket says how long until the next one.
 */
final class TokenBucket {

  private final double capacity;
  private final double perNano;
  private double tokens;
  private long updated;

  TokenBucket(int capacity, int perMinute, long now) {
    this.capacity = capacity;
    this.perNano = perMinute / 60e9;
    this.tokens = capacity;
    this.updated = now;
  }

  /** Takes a token; returns 0 if there was one, else the nanoseconds until there is. */
  synchronized long take(long now) {
    refill(now);
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return waitFor();
  }

  /** Like {@link #take} without taking: 0 if a token is there, else the wait for one. */
  synchronized long peek(long now) {
    refill(now);
    return tokens >= 1 ? 0 : waitFor();
  }

  /** Takes a token if there is one; an empty bucket stays empty. */
  synchronized void drain(long now) {
    refill(now);
    tokens = Math.max(0, tokens - 1);
  }

  private long waitFor() {
    return perNano <= 0 ? Long.MAX_VALUE : (long) Math.ceil((1 - tokens) / perNano);
  }

  private void refill(long now) {
    tokens = Math.min(capacity, tokens + (now - updated) * perNano);
    updated = now;
  }
}
