package io.learnware.market.abuse;

import io.learnware.market.abuse.RateLimiter.Limit;
import io.learnware.market.account.BearerToken;
import io.learnware.market.problem.MarketException;
import io.learnware.market.problem.ProblemResponse;
import io.learnware.market.storage.Sha256;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Rate limits and body caps, applied to every request before anything reads its body or checks its
 * token (so a refusal costs neither parsing nor a database lookup). Runs ahead of the REST layer
 * and of the streaming upload route.
 *
 * <p>The client address is the connection's remote address; Quarkus replaces it with the one in
 * {@code X-Forwarded-For} only when {@code quarkus.http.proxy.*} says the proxy is trusted (off by
 * default).
 */
@ApplicationScoped
public class AbuseGuard {

  /** Ahead of {@code UploadRoute} (-10) and the REST layer. */
  static final int ORDER = -100;

  /**
   * After an early refusal, this much of the unread body is still read (and dropped) so that the
   * client, which may still be sending, receives the answer instead of a reset connection.
   */
  private static final long DRAIN_LIMIT = 4L << 20;

  private static final Pattern UPLOAD =
      Pattern.compile("^/api/v1/(learnwares/[^/]+/[^/]+/versions|datasets/[^/]+/[^/]+)/?$");
  private static final Pattern JOB =
      Pattern.compile("^/api/v1/(jobs|learnwares/[^/]+/[^/]+/versions/[^/]+/distillations)/?$");
  private static final Pattern SEARCH = Pattern.compile("^/api/v1/search/?$");
  private static final Pattern BROWSE = Pattern.compile("^/api/v1/learnwares/?$");

  private final RateLimiter limiter;
  private final long maxSearchBody;
  private final long maxJsonBody;

  public AbuseGuard(RateLimiter limiter, LimitsConfig config) {
    this.limiter = limiter;
    this.maxSearchBody = config.body().search().asLongValue();
    this.maxJsonBody = config.body().json().asLongValue();
  }

  void register(@Observes Router router) {
    router.route().order(ORDER).handler(this::handle);
  }

  private void handle(RoutingContext context) {
    HttpServerRequest request = context.request();
    String address = clientAddress(request);
    String token = BearerToken.of(request.getHeader(HttpHeaders.AUTHORIZATION)).orElse(null);
    String tokenKey = token == null ? null : tokenKey(token);
    try {
      if (request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
        // Once an address has spent its failed attempts, no token from it is even looked up,
        // except tokens that authenticated lately: many clients share one address (loopback, where
        // bin/market's worker and every local client connect from, or a proxy), and wrong tokens
        // from one of them must not lock out the others.
        if (tokenKey == null || !limiter.authenticatedLately(tokenKey)) {
          limiter.requireAvailable(Limit.FAILED_AUTH, address);
        }
        context.addHeadersEndHandler(
            v -> {
              if (context.response().getStatusCode() == 401) {
                limiter.record(Limit.FAILED_AUTH, address);
                if (tokenKey != null) {
                  limiter.forget(tokenKey);
                }
              } else if (tokenKey != null && context.get(BearerToken.AUTHENTICATED) != null) {
                limiter.authenticated(tokenKey);
              }
            });
      }
      Limit limit = limitOf(request.method(), context.normalizedPath(), request);
      if (limit != null) {
        boolean anonymous = token == null;
        limiter.acquire(limit, anonymous ? "a:" + address : "t:" + tokenKey, anonymous);
      }
    } catch (MarketException.TooManyRequests e) {
      refuse(context, e);
      return;
    }
    long cap = bodyCap(request, context.normalizedPath());
    if (cap < 0) {
      context.next();
      return;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      // A declared length is what will arrive: refuse it now, or let the REST layer read it.
      if (parseLength(length) > cap) {
        refuse(context, tooLarge(cap));
      } else {
        context.next();
      }
      return;
    }
    readCapped(context, cap);
  }

  /** A body without a declared length (chunked) is read here, up to the cap, and handed on. */
  private void readCapped(RoutingContext context, long cap) {
    HttpServerRequest request = context.request();
    Buffer body = Buffer.buffer();
    boolean[] refused = {false};
    request.handler(
        chunk -> {
          if (refused[0]) {
            return;
          }
          if (body.length() + chunk.length() > cap) {
            refused[0] = true;
            refuse(context, tooLarge(cap));
          } else {
            body.appendBuffer(chunk);
          }
        });
    request.endHandler(
        v -> {
          if (!refused[0]) {
            context.setBody(body);
            context.next();
          }
        });
    request.resume();
  }

  private static Limit limitOf(HttpMethod method, String path, HttpServerRequest request) {
    if (method == HttpMethod.POST) {
      if (UPLOAD.matcher(path).matches()) {
        return Limit.UPLOADS;
      }
      if (JOB.matcher(path).matches()) {
        return Limit.JOBS;
      }
      if (SEARCH.matcher(path).matches()) {
        return Limit.SEARCHES;
      }
    } else if (method == HttpMethod.GET && BROWSE.matcher(path).matches()) {
      String q = request.getParam("q");
      return q == null || q.isBlank() ? null : Limit.SEARCHES;
    }
    return null;
  }

  /** The cap on this request's body, or -1 where none applies here (multipart has its own). */
  private long bodyCap(HttpServerRequest request, String path) {
    HttpMethod method = request.method();
    if (!path.startsWith("/api/")
        || !(method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH)) {
      return -1;
    }
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && type.regionMatches(true, 0, "multipart/form-data", 0, 19)) {
      return -1;
    }
    return SEARCH.matcher(path).matches() ? maxSearchBody : maxJsonBody;
  }

  private static MarketException tooLarge(long cap) {
    return new MarketException.PayloadTooLarge(
        "The request body is larger than this endpoint's limit of " + cap + " bytes.");
  }

  /**
   * Answers at once. A body still on its way is read and dropped up to {@link #DRAIN_LIMIT}, then
   * the connection is closed.
   */
  static void refuse(RoutingContext context, MarketException refusal) {
    ProblemResponse.of(refusal).send(context.response());
    drain(context.request(), true);
  }

  /**
   * Reads and drops the rest of a body that nobody will read, so that a client still sending sees
   * the answer instead of a reset connection. Past {@link #DRAIN_LIMIT} the connection is closed:
   * that is the only way to stop a client that keeps sending.
   *
   * @param closeAtEnd close the connection even when the body ends within the limit
   */
  static void drain(HttpServerRequest request, boolean closeAtEnd) {
    if (request.isEnded()) {
      return;
    }
    long[] drained = {0};
    request.handler(
        chunk -> {
          drained[0] += chunk.length();
          if (drained[0] > DRAIN_LIMIT) {
            request.connection().close();
          }
        });
    request.endHandler(
        v -> {
          if (closeAtEnd) {
            request.connection().close();
          }
        });
    request.resume();
  }

  private static String clientAddress(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    if (remote == null) {
      return "unknown";
    }
    return remote.hostAddress() != null ? remote.hostAddress() : remote.toString();
  }

  /** Tokens are keyed by their hash, so that no secret is kept in memory. */
  private static String tokenKey(String token) {
    return Sha256.of(token.getBytes(StandardCharsets.UTF_8));
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
