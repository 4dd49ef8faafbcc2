package io.learnware.worker.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.learnware.client.BlobCache;
import io.learnware.client.MultipartBody;
import io.learnware.client.Sha256;
import io.learnware.client.worker.Claim;
import io.learnware.client.worker.ClaimRequest;
import io.learnware.client.worker.Failure;
import io.learnware.client.worker.Heartbeat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The worker protocol over HTTP (see the API contract): claim, heartbeat, complete, fail, and
 * downloads of job inputs checked against their SHA-256 into a local cache.
 */
final class ProtocolClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The longest message or error sent: more than the market keeps, well under its body cap. */
  static final int MAX_TEXT = 8000;

  private final URI server;
  private final String token;
  private final BlobCache cache;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /**
   * @param cache the directory whose {@code blobs/} holds the inputs, by SHA-256
   */
  ProtocolClient(URI server, String token, Path cache) {
    this.server = server;
    this.token = token;
    this.cache = new BlobCache(cache);
  }

  /** A claimed job, or empty when none came within the server's wait. */
  Optional<Claim> claim(String workerId, List<String> types, String device)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        send(
            "/api/v1/worker/claim",
            null,
            json(new ClaimRequest(workerId, types, device)),
            "application/json");
    if (response.statusCode() == 204) {
      return Optional.empty();
    }
    return Optional.of(JSON.readValue(expect(response, 200).body(), Claim.class));
  }

  /** Renews the lease; false when the lease was lost (409: expired, cancelled, taken over). */
  boolean heartbeat(String job, String lease, double progress, String message)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        send(
            "/api/v1/worker/jobs/" + job + "/heartbeat",
            lease,
            json(new Heartbeat(progress, capped(message))),
            "application/json");
    if (response.statusCode() == 409) {
      return false;
    }
    expect(response, 200);
    return true;
  }

  /** Reports a result; false when the lease was lost and the result refused. */
  boolean complete(
      String job, String lease, JsonNode report, JsonNode spec, Path model, Map<String, Path> files)
      throws IOException, InterruptedException {
    MultipartBody body = new MultipartBody().text("report", report.toString(), "application/json");
    if (spec != null) {
      body.text("spec", spec.toString(), "application/json");
    }
    if (model != null) {
      body.file("model", model, "application/octet-stream");
    }
    for (Map.Entry<String, Path> file : files.entrySet()) {
      body.file("file", file.getKey(), file.getValue(), "application/octet-stream");
    }
    HttpResponse<String> response =
        send(
            "/api/v1/worker/jobs/" + job + "/complete",
            lease,
            body.publisher(),
            body.contentType());
    if (response.statusCode() == 409) {
      return false;
    }
    expect(response, 200);
    return true;
  }

  /** Gives the job up; retryable failures go back to the queue. False when the lease was lost. */
  boolean fail(String job, String lease, String error, boolean retryable)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        send(
            "/api/v1/worker/jobs/" + job + "/fail",
            lease,
            json(new Failure(capped(error), retryable)),
            "application/json");
    if (response.statusCode() == 409) {
      return false;
    }
    expect(response, 200);
    return true;
  }

  /**
   * The input {@code artifact}, from the cache when a file with its SHA-256 is there, otherwise
   * downloaded (under the job's {@code lease}: the market serves a worker only its jobs' inputs),
   * checked and added to the cache atomically.
   */
  Path artifact(Claim.Artifact artifact, String lease) throws IOException, InterruptedException {
    String url = artifact.url();
    String sha256 = artifact.sha256();
    Optional<Path> cached = cache.find(sha256);
    if (cached.isPresent()) {
      return cached.get();
    }
    Path partial = cache.newPartial();
    try {
      HttpResponse<Path> response =
          http.send(
              request(url, lease).GET().build(),
              HttpResponse.BodyHandlers.ofFile(
                  partial, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
      if (response.statusCode() != 200) {
        throw new IOException("GET " + url + " answered " + response.statusCode());
      }
      String actual = Sha256.of(partial);
      if (!actual.equals(sha256)) {
        throw new IOException(
            "GET " + url + " gave bytes with SHA-256 " + actual + ", expected " + sha256);
      }
      return cache.add(partial, sha256);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  private HttpResponse<String> send(String path, String lease, BodyPublisher body, String type)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = request(path, lease).header("Content-Type", type).POST(body);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path, String lease) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(server.resolve(path)).header("Authorization", "Bearer " + token);
    if (lease != null) {
      builder.header("Lease-Id", lease);
    }
    return builder;
  }

  private static HttpResponse<String> expect(HttpResponse<String> response, int status)
      throws IOException {
    if (response.statusCode() != status) {
      throw new IOException(
          response.request().method()
              + " "
              + response.request().uri()
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return response;
  }

  /**
   * A job's message or error (a model may make it megabytes long) cut to what the market keeps, so
   * that the request stays under the protocol's body cap.
   */
  static String capped(String text) {
    return text.length() <= MAX_TEXT
        ? text
        : text.substring(0, MAX_TEXT)
            + " … [cut by the worker: "
            + (text.length() - MAX_TEXT)
            + " more characters]";
  }

  private static BodyPublisher json(Object value) throws IOException {
    return BodyPublishers.ofString(JSON.writeValueAsString(value));
  }
}
