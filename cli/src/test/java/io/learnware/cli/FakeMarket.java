package io.learnware.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JDK's own HTTP server, answering fixed responses by method and path: for what the real market
 * (tested in the it module's CliAgainstServerTest) should never do, like serving bytes that do not
 * match their hash. Records every request it receives.
 */
final class FakeMarket implements AutoCloseable {

  /** A canned answer. */
  record Answer(int status, Map<String, String> headers, byte[] body) {

    static Answer json(int status, String json) {
      String type = status >= 400 ? "application/problem+json" : "application/json";
      return new Answer(
          status, Map.of("Content-Type", type), json.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * A request as received; header names are case-insensitive.
   *
   * @param query the raw query string, or null
   */
  record Received(
      String method, String path, String query, Map<String, List<String>> headers, byte[] body) {}

  private final HttpServer server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final List<Received> received = new ArrayList<>();

  FakeMarket() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  FakeMarket on(String method, String path, Answer answer) {
    answers.put(method + " " + path, answer);
    return this;
  }

  synchronized List<Received> received() {
    return List.copyOf(received);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String path = exchange.getRequestURI().getRawPath();
    synchronized (this) {
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      headers.putAll(exchange.getRequestHeaders());
      received.add(
          new Received(
              exchange.getRequestMethod(),
              path,
              exchange.getRequestURI().getRawQuery(),
              headers,
              body));
    }
    Answer answer =
        answers.getOrDefault(
            exchange.getRequestMethod() + " " + path,
            Answer.json(404, "{\"title\": \"Not found\", \"status\": 404}"));
    answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    exchange.sendResponseHeaders(
        answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
    exchange.getResponseBody().write(answer.body());
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
