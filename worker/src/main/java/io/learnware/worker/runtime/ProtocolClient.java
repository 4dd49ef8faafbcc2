package io.learnware.worker.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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
  private final Path cache;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  ProtocolClient(URI server, String token, Path cache) {
    this.server = server;
    this.token = token;
    this.cache = cache;
  }

  /** A claimed job (the claim's JSON), or empty when none came within the server's wait. */
  Optional<JsonNode> claim(String workerId, List<String> types, String device)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        send(
            "/api/v1/worker/claim",
            null,
            json(Map.of("workerId", workerId, "types", types, "device", device)),
            "application/json");
    if (response.statusCode() == 204) {
      return Optional.empty();
    }
    return Optional.of(JSON.readTree(expect(response, 200).body()));
  }

  /** Renews the lease; false when the lease was lost (409: expired, cancelled, taken over). */
  boolean heartbeat(String job, String lease, double progress, String message)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        send(
            "/api/v1/worker/jobs/" + job + "/heartbeat",
            lease,
            json(Map.of("progress", progress, "message", capped(message))),
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
    String boundary = "lw-" + UUID.randomUUID();
    List<BodyPublisher> parts = new ArrayList<>();
    parts.add(textPart(boundary, "report", report.toString()));
    if (spec != null) {
      parts.add(textPart(boundary, "spec", spec.toString()));
    }
    if (model != null) {
      parts.addAll(filePart(boundary, "model", model.getFileName().toString(), model));
    }
    for (Map.Entry<String, Path> file : files.entrySet()) {
      parts.addAll(filePart(boundary, "file", file.getKey(), file.getValue()));
    }
    parts.add(BodyPublishers.ofString("--" + boundary + "--\r\n"));
    HttpResponse<String> response =
        send(
            "/api/v1/worker/jobs/" + job + "/complete",
            lease,
            BodyPublishers.concat(parts.toArray(BodyPublisher[]::new)),
            "multipart/form-data; boundary=" + boundary);
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
            json(Map.of("error", capped(error), "retryable", retryable)),
            "application/json");
    if (response.statusCode() == 409) {
      return false;
    }
    expect(response, 200);
    return true;
  }

  /**
   * The artifact at {@code url}, from the cache when a file with its SHA-256 is there, otherwise
   * downloaded (under the job's {@code lease}: the market serves a worker only its jobs' inputs),
   * checked and added to the cache atomically.
   */
  Path artifact(String url, String sha256, String lease) throws IOException, InterruptedException {
    Path cached = cache.resolve(sha256);
    if (Files.exists(cached)) {
      return cached;
    }
    Files.createDirectories(cache);
    Path partial = Files.createTempFile(cache, ".partial-", "");
    try {
      HttpResponse<Path> response =
          http.send(
              request(url, lease).GET().build(),
              HttpResponse.BodyHandlers.ofFile(
                  partial,
                  java.nio.file.StandardOpenOption.WRITE,
                  java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
      if (response.statusCode() != 200) {
        throw new IOException("GET " + url + " answered " + response.statusCode());
      }
      String actual = sha256(partial);
      if (!actual.equals(sha256)) {
        throw new IOException(
            "GET " + url + " gave bytes with SHA-256 " + actual + ", expected " + sha256);
      }
      Files.move(partial, cached, StandardCopyOption.ATOMIC_MOVE);
      return cached;
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

  private static BodyPublisher textPart(String boundary, String name, String value) {
    return BodyPublishers.ofString(
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\""
            + name
            + "\"\r\nContent-Type: application/json\r\n\r\n"
            + value
            + "\r\n",
        StandardCharsets.UTF_8);
  }

  private static List<BodyPublisher> filePart(
      String boundary, String name, String filename, Path file) throws IOException {
    return List.of(
        BodyPublishers.ofString(
            "--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\""
                + name
                + "\"; filename=\""
                + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"),
        BodyPublishers.ofFile(file),
        BodyPublishers.ofString("\r\n"));
  }

  static String sha256(Path file) throws IOException {
    try (DigestInputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(in.getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
