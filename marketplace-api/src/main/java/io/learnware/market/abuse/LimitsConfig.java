package io.learnware.market.abuse;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Abuse limits ({@code learnware.limits.*}, or {@code LEARNWARE_LIMITS_*}): request rates, the size
 * of request lines, headers and bodies, idle bodies, and per-user quotas.
 */
@ConfigMapping(prefix = "learnware.limits")
public interface LimitsConfig {

  Rate rate();

  Request request();

  Body body();

  Quota quota();

  /**
   * Token buckets, kept in memory by each API instance (behind a load balancer every instance
   * grants the full rate).
   */
  interface Rate {

    /**
     * Bearer tokens refused (401) per client address; once spent, every request from the address
     * that carries a token gets 429 until the bucket refills, except tokens that authenticated
     * within {@link #idle()}.
     */
    @WithDefault("20")
    int failedAuthCapacity();

    /** Refill of the failed-authentication bucket, per minute. */
    @WithDefault("20")
    int failedAuthPerMinute();

    /** Learnware and data set uploads per token (per client address without one): the burst. */
    @WithDefault("30")
    int uploadsCapacity();

    /** Refill of the uploads bucket, per minute. */
    @WithDefault("60")
    int uploadsPerMinute();

    /** Job requests ({@code POST /jobs}, {@code …/distillations}) per token: the burst. */
    @WithDefault("60")
    int jobsCapacity();

    /** Refill of the job requests bucket, per minute. */
    @WithDefault("60")
    int jobsPerMinute();

    /**
     * Searches ({@code POST /search}, {@code GET /learnwares?q=}) per token, or per client address
     * for anonymous callers: the burst.
     */
    @WithDefault("600")
    int searchesCapacity();

    /** Refill of the searches bucket, per minute. */
    @WithDefault("600")
    int searchesPerMinute();

    /**
     * Most keys (addresses or tokens) tracked per limit; past it the least used buckets are
     * dropped, so a flood of distinct addresses cannot exhaust the heap.
     */
    @WithDefault("100000")
    int maxKeys();

    /** A bucket untouched this long is dropped (it would be full again by then anyway). */
    @WithDefault("10M")
    Duration idle();
  }

  /**
   * The request line and headers, checked before anything else. Netty refuses larger ones still,
   * past {@code quarkus.http.limits.max-initial-line-length} and {@code max-header-size}, with a
   * bare 414 or 431; those ceilings are set well above these.
   */
  interface Request {

    /** Longest request URI (path and query), in characters; 414 above it. */
    @WithDefault("4096")
    int maxUriLength();

    /** Largest total of the request's header lines (names, values, separators); 431 above it. */
    @WithDefault("20K")
    MemorySize maxHeaderSize();
  }

  /** Request body caps, checked before the body is read, and the time a body may stall. */
  interface Body {

    /**
     * Longest time a request body may go without a byte arriving: then the request is answered 408
     * (if nothing has been answered yet), its connection is closed and its staged files deleted.
     */
    @WithDefault("60S")
    Duration idleTimeout();

    /** Largest {@code POST /search} body (its statistical part can be large); 413 above it. */
    @WithDefault("1M")
    MemorySize search();

    /**
     * Largest body of every other JSON (non-multipart) request: jobs, users, tokens, aliases, the
     * worker protocol; 413 above it.
     */
    @WithDefault("64K")
    MemorySize json();
  }

  /** Per-user quotas; admins are exempt. */
  interface Quota {

    /**
     * Bytes a user's learnware versions and data sets may reference; each distinct blob counts once
     * per user, however many of the user's versions share it.
     */
    @WithDefault("10G")
    MemorySize storage();

    /** Jobs a user may have waiting (QUEUED) at once; upload validations do not count. */
    @WithDefault("20")
    int queuedJobs();

    /**
     * Jobs of one user that workers run at once (upload validations aside); the user's other jobs
     * wait in the queue until one finishes.
     */
    @WithDefault("4")
    int runningJobs();

    /**
     * Uploads of one user waiting for their validation at once (their validation jobs queued or
     * running); more are refused until one is validated, so that no user fills the workers' queue.
     */
    @WithDefault("20")
    int pendingValidations();

    /** API tokens a user may hold at once (expired ones do not count; revoke unused ones). */
    @WithDefault("100")
    int tokens();
  }
}
