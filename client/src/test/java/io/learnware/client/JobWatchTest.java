package io.learnware.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LearnwareClient#watch} against a server that behaves as real ones sometimes do: event
 * streams cut short, data split over several lines, and answers that are not what the API says.
 */
class JobWatchTest {

  private static final String ID = "4c1f3a52-9d2e-4b7a-8f60-0c1d2e3f4a5b";
  private static final String EVENTS = "/api/v1/jobs/" + ID + "/events";

  private final List<String> requests = new ArrayList<>();
  private HttpServer server;

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void aStreamCutShortIsOpenedAgainUntilTheJobFinishes() throws Exception {
    AtomicInteger streams = new AtomicInteger();
    start(
        path -> {
          if (path.equals(EVENTS)) {
            // First stream: two events, the second split over two data lines, then it ends.
            return streams.incrementAndGet() == 1
                ? "data:"
                    + job("QUEUED", 0)
                    + "\n\n"
                    + "data:{\"id\": \""
                    + ID
                    + "\",\n"
                    + "data: \"type\": \"reuse\", \"state\": \"RUNNING\", \"progress\": 0.5}\n\n"
                : "data:" + job("SUCCEEDED", 1) + "\n\n";
          }
          return job("RUNNING", 0.5);
        });
    List<String> seen = new ArrayList<>();

    JobInfo done;
    try (LearnwareClient client = LearnwareClient.builder(URI.create(url())).build()) {
      done = client.watch(ID, job -> seen.add(job.state() + " " + job.progress()));
    }

    assertThat(done.succeeded()).isTrue();
    assertThat(seen).containsExactly("QUEUED 0.0", "RUNNING 0.5", "SUCCEEDED 1.0");
    assertThat(requests)
        .containsExactly("GET " + EVENTS, "GET /api/v1/jobs/" + ID, "GET " + EVENTS);
  }

  @Test
  void anEventThatIsNotAJobIsABadResponse() throws Exception {
    start(path -> "data:not json\n\n");
    try (LearnwareClient client = LearnwareClient.builder(URI.create(url())).build()) {
      assertThatExceptionOfType(BadResponseException.class)
          .isThrownBy(() -> client.watch(ID, JobListener.none()))
          .withMessageContaining("an event is not the job JSON the API describes");
    }
  }

  @Test
  void malformedIdsAreRefusedBeforeAnythingIsSent() throws Exception {
    start(path -> "");
    try (LearnwareClient client = LearnwareClient.builder(URI.create(url())).build()) {
      assertThatExceptionOfType(IllegalArgumentException.class)
          .isThrownBy(() -> client.job("../../learnwares"))
          .withMessage("'../../learnwares' is not a job id (a UUID)");
    }
    assertThat(requests).isEmpty();
  }

  private static String job(String state, double progress) {
    return "{\"id\": \"%s\", \"type\": \"reuse\", \"state\": \"%s\", \"progress\": %s}"
        .formatted(ID, state, progress);
  }

  private interface Body {
    String of(String path);
  }

  private void start(Body body) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getRawPath();
          synchronized (requests) {
            requests.add(exchange.getRequestMethod() + " " + path);
          }
          byte[] bytes = body.of(path).getBytes(StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .add(
                  "Content-Type",
                  path.endsWith("/events") ? "text/event-stream" : "application/json");
          exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }
}
