package io.learnware.market.abuse;

import io.learnware.market.problem.MarketException;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.vertx.VertxInputStream;

/**
 * Multipart bodies bound for the REST layer (data sets, job results; learnware uploads have their
 * own route). Quarkus answers a body over {@code quarkus.http.limits.max-body-size} with an empty
 * 413 in two places: a route that checks the declared length, and the stream the REST layer reads.
 * The first is answered here instead, and the second is switched off for multipart bodies, so that
 * the REST layer's multipart parser, which counts the same limit, deletes the parts it wrote and
 * throws a 413 that {@code ProblemMapper} answers.
 */
@ApplicationScoped
public class MultipartLimits {

  private final long maxBody;

  public MultipartLimits(
      @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBody) {
    this.maxBody = maxBody.asLongValue();
  }

  void register(@Observes Router router) {
    router
        .route()
        .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1)
        .handler(this::beforeQuarkusLimit);
    router
        .route()
        .order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT + 1)
        .handler(this::afterQuarkusLimit);
  }

  private void beforeQuarkusLimit(RoutingContext context) {
    HttpServerRequest request = context.request();
    if (!isMultipart(request)) {
      context.next();
      return;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && parseLength(length) > maxBody) {
      AbuseGuard.refuse(
          context,
          new MarketException.PayloadTooLarge(
              "The request body is larger than the limit of " + maxBody + " bytes."));
      return;
    }
    // The REST layer may answer before it has read the whole body (a bad token, a refused part):
    // the
    // rest is read and dropped, on the event loop, or cut off. A body read whole has only its end
    // left.
    Context loop = Vertx.currentContext();
    context.addEndHandler(done -> loop.runOnContext(v -> AbuseGuard.drain(request, false)));
    context.next();
  }

  private void afterQuarkusLimit(RoutingContext context) {
    if (isMultipart(context.request())) {
      context.remove(VertxInputStream.MAX_REQUEST_SIZE_KEY);
    }
    context.next();
  }

  private static boolean isMultipart(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null && type.regionMatches(true, 0, "multipart/form-data", 0, 19);
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
