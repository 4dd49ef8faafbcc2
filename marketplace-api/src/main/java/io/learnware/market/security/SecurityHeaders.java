package io.learnware.market.security;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Browser hardening headers on every response of the main HTTP server (the API, the web UI, the
 * docs, errors and 404s alike), set as the headers are written so that no handler can lose them.
 */
@ApplicationScoped
public class SecurityHeaders {

  /**
   * The web UI is a Vite build: one script and one stylesheet from {@code /assets/}, the favicon as
   * a {@code data:} URI, and {@code fetch} to the same origin. Preact sets dynamic styles through
   * the CSSOM, which {@code style-src} does not govern.
   */
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self';"
          + " form-action 'self'; frame-ancestors 'none'";

  /** Swagger UI's page starts itself with an inline script and inline styles. */
  static final String SWAGGER_CSP =
      "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self';"
          + " form-action 'self'; frame-ancestors 'none'";

  void register(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).handler(this::handle);
  }

  private void handle(RoutingContext context) {
    String path = context.normalizedPath();
    context.addHeadersEndHandler(v -> apply(path, context.response().getStatusCode(), context));
    context.next();
  }

  private static void apply(String path, int status, RoutingContext context) {
    MultiMap headers = context.response().headers();
    headers.set("Content-Security-Policy", path.startsWith("/q/swagger-ui") ? SWAGGER_CSP : CSP);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "no-referrer");
    if (status == 200 || status == 304) {
      if (path.equals("/") || path.equals("/index.html")) {
        // The page names the current bundle: a cached copy would keep loading an old one.
        headers.set("Cache-Control", "no-cache");
      } else if (path.startsWith("/assets/")) {
        // Vite puts a content hash in every asset's name, so a name never changes its bytes.
        headers.set("Cache-Control", "public, max-age=31536000, immutable");
      }
    }
  }
}
