package io.learnware.market.learnware;

import io.learnware.market.MarketConfig;
import io.learnware.market.problem.Problem;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;

/**
 * Refuses an upload whose declared length exceeds the limit before a byte of its body is read, with
 * a problem document. (Bodies without a length are cut off at the same limit by the HTTP layer.)
 */
@ApplicationScoped
public class UploadSizeFilter {

  private final long maxBytes;

  public UploadSizeFilter(MarketConfig config) {
    this.maxBytes = config.upload().maxSize().asLongValue();
  }

  void register(@Observes Filters filters) {
    filters.register(
        context -> {
          String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
          if (context.request().method() == HttpMethod.POST
              && length != null
              && isTooLarge(length)) {
            Problem problem =
                new Problem(
                    URI.create("urn:learnware:problem:payload-too-large"),
                    "Payload too large",
                    413,
                    "The request has " + length + " bytes; the limit is " + maxBytes + " bytes.",
                    null);
            context
                .response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(Json.encode(problem))
                // The client may still be sending the body: closing is the only way to stop it.
                .onComplete(done -> context.request().connection().close());
            return;
          }
          context.next();
        },
        // Before authentication and body handling.
        Integer.MAX_VALUE);
  }

  private boolean isTooLarge(String contentLength) {
    try {
      return Long.parseLong(contentLength) > maxBytes;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
