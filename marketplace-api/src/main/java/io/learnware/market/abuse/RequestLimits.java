package io.learnware.market.abuse;

import io.learnware.market.problem.MarketException;
import io.learnware.market.problem.ProblemResponse;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Limits on the request itself, ahead of every other handler: the length of its URI (414), the size
 * of its headers (431), and how long its body may stall (408).
 *
 * <p>Netty rejects request lines and headers past its own limits before any route runs, with no
 * body: Quarkus 3.33 offers no hook for Vert.x's invalid-request handler (quarkusio/quarkus#55082).
 * So Netty's limits are set well above these ({@code application.properties}), and requests between
 * the two are answered here, as problems.
 *
 * <p>A body is watched through {@link HttpServerRequest#bytesRead()}, whoever reads it (the upload
 * route, the REST layer, {@link AbuseGuard}). {@code quarkus.http.idle-timeout} alone would close
 * the connection without an answer, and only once nothing was written either.
 */
@ApplicationScoped
public class RequestLimits {

  /** Ahead of {@link AbuseGuard}: a malformed request costs not even a rate-limit lookup. */
  static final int ORDER = AbuseGuard.ORDER - 1;

  private static final Logger LOG = Logger.getLogger(RequestLimits.class);
  private static final String TIMED_OUT = RequestLimits.class.getName() + ".timedOut";

  private final Vertx vertx;
  private final int maxUriLength;
  private final long maxHeaderSize;
  private final long idleNanos;
  private final long idleSeconds;

  /** How often a watched body is looked at: the timeout is noticed within a quarter of itself. */
  private final long checkMillis;

  public RequestLimits(Vertx vertx, LimitsConfig config) {
    this.vertx = vertx;
    this.maxUriLength = config.request().maxUriLength();
    this.maxHeaderSize = config.request().maxHeaderSize().asLongValue();
    this.idleNanos = config.body().idleTimeout().toNanos();
    this.idleSeconds = config.body().idleTimeout().toSeconds();
    this.checkMillis = Math.max(100, config.body().idleTimeout().toMillis() / 4);
  }

  void register(@Observes Router router) {
    router.route().order(ORDER).handler(this::handle).failureHandler(this::failedAfterTimeout);
  }

  private void handle(RoutingContext context) {
    HttpServerRequest request = context.request();
    if (request.uri().length() > maxUriLength) {
      AbuseGuard.refuse(
          context,
          new MarketException.UriTooLong(
              "The request URI is %d characters long; the limit is %d."
                  .formatted(request.uri().length(), maxUriLength)));
      return;
    }
    long headerSize = 0;
    for (Map.Entry<String, String> header : request.headers()) {
      // "name: value\r\n"
      headerSize += header.getKey().length() + header.getValue().length() + 4;
    }
    if (headerSize > maxHeaderSize) {
      AbuseGuard.refuse(
          context,
          new MarketException.HeadersTooLarge(
              "The request headers take %d bytes; the limit is %d."
                  .formatted(headerSize, maxHeaderSize)));
      return;
    }
    if (bodyExpected(request)) {
      watchBody(context);
    }
    context.next();
  }

  /** HTTP/1.1 announces a body with a length or with chunked encoding. */
  private static boolean bodyExpected(HttpServerRequest request) {
    if (request.isEnded()) {
      return false;
    }
    if (request.version() == HttpVersion.HTTP_2) {
      return true;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null
        || (length != null && !length.trim().equals("0"));
  }

  /**
   * Until the body has ended or the connection closed, checks that bytes keep arriving. This goes
   * on after an early answer, so that a client that stalls while its body is drained is cut off
   * too.
   */
  private void watchBody(RoutingContext context) {
    HttpServerRequest request = context.request();
    long[] seen = {request.bytesRead()};
    long[] quietSince = {System.nanoTime()};
    vertx.setPeriodic(
        checkMillis,
        timer -> {
          if (request.isEnded() || context.response().closed()) {
            vertx.cancelTimer(timer);
            return;
          }
          long read = request.bytesRead();
          long now = System.nanoTime();
          if (read != seen[0]) {
            seen[0] = read;
            quietSince[0] = now;
          } else if (now - quietSince[0] >= idleNanos) {
            vertx.cancelTimer(timer);
            timeOut(context);
          }
        });
  }

  /**
   * Answers 408 if nothing has been answered yet, and closes the connection. Whoever was reading
   * the body sees the connection close and deletes what it staged.
   */
  private void timeOut(RoutingContext context) {
    HttpServerRequest request = context.request();
    HttpServerResponse response = context.response();
    context.put(TIMED_OUT, true);
    if (response.headWritten()) {
      request.connection().close();
      return;
    }
    response.putHeader(HttpHeaders.CONNECTION, "close");
    ProblemResponse.of(
            new MarketException.RequestTimeout(
                "No byte of the request body arrived for %d s (the limit); the connection is closed."
                    .formatted(idleSeconds)))
        .send(response)
        .onComplete(done -> request.connection().close());
  }

  /**
   * The reader of a timed-out body (e.g. the REST layer) fails when the connection closes, and then
   * fails again writing an answer over the 408: the client's doing, not an error of the market.
   */
  private void failedAfterTimeout(RoutingContext context) {
    if (Boolean.TRUE.equals(context.get(TIMED_OUT))) {
      LOG.debugf(context.failure(), "After a body idle timeout: %s", context.normalizedPath());
      return;
    }
    context.next();
  }
}
