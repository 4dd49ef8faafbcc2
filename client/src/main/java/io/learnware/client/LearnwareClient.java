package io.learnware.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.learnware.client.PullResult.PulledFile;
import io.learnware.client.VersionInfo.Artifact;
import io.learnware.spec.reuse.EnsembleManifest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A client of the Learnware Market's HTTP API ({@code /api/v1}).
 *
 * <p>Failures come in three kinds: {@link LearnwareApiException} when the market answers with an
 * error (its problem document attached), {@link BadResponseException} (and its {@link
 * ChecksumMismatchException}) when an answer breaks the API's promises, and other {@link
 * IOException}s when the market cannot be reached or a local file cannot be read or written.
 *
 * <p>Thread-safe; close it to release the HTTP client's threads.
 */
public final class LearnwareClient implements AutoCloseable {

  private static final String API = "/api/v1";

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** How long a JSON call (or the headers of a download) may take. */
  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

  /** The most of an error body read, to describe the error; bodies should be far smaller. */
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private static final int COPY_BUFFER = 1 << 16;

  /** The market's rule for artifact file names; it also keeps them safe as local file names. */
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

  private static final String SPEC_FILE = "spec.json";

  private static final Pattern JOB_ID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** How long {@link #watch} waits before opening a job's event stream again. */
  private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

  private final String base;
  private final String token;
  private final BlobCache cache;
  private final HttpClient http;
  private final ObjectMapper mapper;

  private LearnwareClient(Builder builder) {
    String server = builder.server.toString();
    this.base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    this.token = builder.token == null || builder.token.isBlank() ? null : builder.token.strip();
    this.cache = new BlobCache(builder.cacheDirectory);
    // HTTP/1.1: an upload is one long stream, which HTTP/2 would not speed up, and a plain-http
    // server would otherwise be offered an h2c upgrade first.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    this.mapper =
        JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  }

  /**
   * A client of the market at {@code server}, e.g. {@code http://localhost:8080} (a path prefix is
   * kept: {@code https://example.org/market}).
   */
  public static Builder builder(URI server) {
    return new Builder(server);
  }

  /** The cache directory a client uses unless told otherwise; see {@link Builder#cache}. */
  public static Path defaultCacheDirectory() {
    return BlobCache.defaultDirectory(System.getenv(), System.getProperty("user.home"));
  }

  /** Configures a {@link LearnwareClient}. */
  public static final class Builder {
    private final URI server;
    private String token;
    private Path cacheDirectory = defaultCacheDirectory();

    private Builder(URI server) {
      String scheme = server.getScheme() == null ? "" : server.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || server.getHost() == null) {
        throw new IllegalArgumentException(
            "the server must be an http:// or https:// URL, got '" + server + "'");
      }
      this.server = server;
    }

    /** The API token sent as {@code Authorization: Bearer}; null or blank sends none. */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /**
     * Where downloaded artifacts are kept, by SHA-256, under {@code blobs/}. Default: {@code
     * $LEARNWARE_CACHE}, else {@code $XDG_CACHE_HOME/learnware}, else {@code ~/.cache/learnware}.
     */
    public Builder cache(Path directory) {
      this.cacheDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    public LearnwareClient build() {
      return new LearnwareClient(this);
    }
  }

  /**
   * Uploads a new version: {@code POST /learnwares/{owner}/{name}/versions} with the parts {@code
   * spec}, {@code model} and one {@code file} per extra file, each streamed from disk.
   *
   * @param files extra artifacts (e.g. a feature extractor), sent under their file names
   * @param progress hears the bytes sent, under the name {@code owner/name}
   */
  public UploadResult upload(
      String owner, String name, Path spec, Path model, List<Path> files, TransferListener progress)
      throws IOException, LearnwareApiException {
    return upload(owner, name, spec, model, files, null, progress);
  }

  /**
   * Uploads a new version as {@link #upload(String, String, Path, Path, List, TransferListener)},
   * choosing the visibility of a learnware this first version creates.
   *
   * @param visibility {@code public} or {@code private}; null for the market's default. A learnware
   *     that exists keeps its own (change it with {@link #setVisibility}).
   */
  public UploadResult upload(
      String owner,
      String name,
      Path spec,
      Path model,
      List<Path> files,
      String visibility,
      TransferListener progress)
      throws IOException, LearnwareApiException {
    LearnwareRef key = new LearnwareRef(owner, name, LearnwareRef.LATEST);
    MultipartBody body =
        new MultipartBody()
            .file("spec", spec, "application/json")
            .file("model", model, "application/octet-stream");
    for (Path file : files) {
      body.file("file", file, "application/octet-stream");
    }
    HttpRequest request =
        request(
                API
                    + "/learnwares/"
                    + key.key()
                    + "/versions"
                    + (visibility == null ? "" : "?visibility=" + visibility(visibility)))
            .header("Content-Type", body.contentType())
            .POST(body.publisher(key.key(), progress))
            .build();
    return json(send(request), UploadResult.class);
  }

  /** {@code POST /search}. */
  public SearchResult search(SearchRequest search) throws IOException, LearnwareApiException {
    HttpRequest request =
        request(API + "/search")
            .timeout(CALL_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(search)))
            .build();
    return json(send(request), SearchResult.class);
  }

  /** {@code GET /learnwares/{owner}/{name}/versions/{ref}}: state, artifacts, spec. */
  public VersionInfo version(LearnwareRef ref) throws IOException, LearnwareApiException {
    return json(send(get(versionPath(ref))), VersionInfo.class);
  }

  /** {@code GET …/versions/{ref}/spec}: the specification document. */
  public JsonNode spec(LearnwareRef ref) throws IOException, LearnwareApiException {
    return json(send(get(versionPath(ref) + "/spec")), JsonNode.class);
  }

  /**
   * Downloads a version into {@code directory}: its specification as {@code spec.json}, the model
   * as {@code model.pt}, {@code model.onnx}, {@code model.params} or {@code ensemble.json} (by
   * format) and every extra file under its own name, the layout an upload starts from. Each
   * artifact's SHA-256 is checked against the one the market lists; artifacts already in the cache
   * are copied from there instead of downloaded. Files are replaced atomically.
   *
   * @param progress hears the bytes received, under the name of the file being written
   */
  public PullResult pull(LearnwareRef ref, Path directory, TransferListener progress)
      throws IOException, LearnwareApiException {
    VersionInfo version = version(ref);
    if (version.model() == null || version.spec() == null) {
      throw new BadResponseException(
          "%s%s: the answer lacks the model or the spec".formatted(base, versionPath(ref)));
    }
    // Versions are immutable and aliases move: fetch everything from the number resolved here.
    LearnwareRef exact = ref.at(Integer.toString(version.version()));
    String path = versionPath(exact);
    Files.createDirectories(directory);

    Set<String> names = new HashSet<>();
    String modelName = modelFileName(version.model().format());
    names.add(SPEC_FILE);
    names.add(modelName);
    for (Artifact file : version.files()) {
      if (file.filename() == null || !FILE_NAME.matcher(file.filename()).matches()) {
        throw new BadResponseException(
            "%s%s: unsafe file name '%s'".formatted(base, path, file.filename()));
      }
      if (!names.add(file.filename())) {
        throw new IOException(
            "%s has two artifacts named %s; they cannot be pulled into one directory"
                .formatted(exact, file.filename()));
      }
    }

    List<PulledFile> pulled = new ArrayList<>();
    byte[] spec = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(version.spec());
    Path specFile = directory.resolve(SPEC_FILE);
    AtomicFiles.write(specFile, spec);
    pulled.add(new PulledFile("spec", specFile, Sha256.of(spec), spec.length, false));
    pulled.add(
        fetch(
            path + "/artifact", version.model(), directory.resolve(modelName), "model", progress));
    for (Artifact file : version.files()) {
      pulled.add(
          fetch(
              path + "/files/" + file.filename(),
              file,
              directory.resolve(file.filename()),
              "file",
              progress));
    }
    return new PullResult(exact, directory, pulled);
  }

  /**
   * Downloads a version as a Beimingwu learnware zip ({@code …/download?format=beimingwu}) into
   * {@code directory}, named {@code <owner>-<name>-v<N>-beimingwu.zip}. The market builds the zip
   * when asked, so there is no listed SHA-256 to check it against (the model inside is the stored
   * artifact); the result gives the SHA-256 of what arrived.
   */
  public PullResult pullBeimingwu(LearnwareRef ref, Path directory, TransferListener progress)
      throws IOException, LearnwareApiException {
    LearnwareRef exact = ref.at(Integer.toString(version(ref).version()));
    String name = "%s-%s-v%s-beimingwu.zip".formatted(exact.owner(), exact.name(), exact.version());
    HttpResponse<InputStream> response =
        send(
            request(
                    versionPath(exact) + "/download?format=beimingwu",
                    "application/zip, application/problem+json")
                .timeout(CALL_TIMEOUT)
                .GET()
                .build());
    if (response.statusCode() != 200) {
      throw problem(response);
    }
    Files.createDirectories(directory);
    Path target = directory.resolve(name);
    MessageDigest digest = Sha256.newDigest();
    long[] received = {0};
    try (InputStream in = response.body()) {
      AtomicFiles.write(
          target,
          out -> {
            byte[] buffer = new byte[COPY_BUFFER];
            for (int n; (n = in.read(buffer)) >= 0; ) {
              digest.update(buffer, 0, n);
              out.write(buffer, 0, n);
              received[0] += n;
              progress.transferred(name, received[0], -1);
            }
          });
    }
    return new PullResult(
        exact,
        directory,
        List.of(
            new PulledFile("beimingwu", target, Sha256.hex(digest.digest()), received[0], false)));
  }

  /** {@code GET /me}: the token's user and roles. */
  public Me me() throws IOException, LearnwareApiException {
    return json(send(get(API + "/me")), Me.class);
  }

  /** {@code POST /users} (admin): a new user and its first token. */
  public CreatedUser createUser(String username) throws IOException, LearnwareApiException {
    return json(
        send(post(API + "/users", mapper.createObjectNode().put("username", username))),
        CreatedUser.class);
  }

  /**
   * {@code POST /tokens}: a new API token of the caller, with the scopes and namespaces of the
   * token making the request; its secret is in this answer only.
   */
  public TokenInfo createToken(String name) throws IOException, LearnwareApiException {
    return createToken(NewToken.named(name));
  }

  /**
   * {@code POST /tokens} (scope {@code admin}): a new API token of the caller, limited as {@code
   * token} says; its secret is in this answer only.
   */
  public TokenInfo createToken(NewToken token) throws IOException, LearnwareApiException {
    return json(send(post(API + "/tokens", token)), TokenInfo.class);
  }

  /** {@code GET /tokens}: the caller's API tokens (without their secrets). */
  public List<TokenInfo> tokens() throws IOException, LearnwareApiException {
    return List.of(json(send(get(API + "/tokens")), TokenInfo[].class));
  }

  /**
   * {@code DELETE /tokens/{id}}: revokes one of the caller's tokens.
   *
   * @throws IllegalArgumentException if {@code id} is not a UUID
   */
  public void revokeToken(String id) throws IOException, LearnwareApiException {
    noContent(
        request(API + "/tokens/" + UUID.fromString(id)).timeout(CALL_TIMEOUT).DELETE().build());
  }

  /** {@code POST /organisations}: a new organisation, with the caller as its first admin. */
  public NamespaceInfo createOrganisation(String name) throws IOException, LearnwareApiException {
    LearnwareRef.requireName(name, "organisation");
    return json(
        send(post(API + "/organisations", mapper.createObjectNode().put("name", name))),
        NamespaceInfo.class);
  }

  /**
   * {@code GET /namespaces/{name}}: a user's namespace or an organisation; members only for those
   * who may read it.
   */
  public NamespaceInfo namespace(String name) throws IOException, LearnwareApiException {
    return json(send(get(namespacePath(name))), NamespaceInfo.class);
  }

  /**
   * {@code PUT /namespaces/{name}/members/{username}} (the organisation's admins): adds a member or
   * changes a member's role; the answer lists the members.
   *
   * @param role {@code read}, {@code write} or {@code admin}
   */
  public NamespaceInfo putMember(String namespace, String username, String role)
      throws IOException, LearnwareApiException {
    HttpRequest request =
        request(namespacePath(namespace) + "/members/" + LearnwareRef.requireName(username, "user"))
            .timeout(CALL_TIMEOUT)
            .header("Content-Type", "application/json")
            .PUT(jsonBody(mapper.createObjectNode().put("role", role)))
            .build();
    return json(send(request), NamespaceInfo.class);
  }

  /** {@code DELETE /namespaces/{name}/members/{username}} (the organisation's admins). */
  public void removeMember(String namespace, String username)
      throws IOException, LearnwareApiException {
    noContent(
        request(namespacePath(namespace) + "/members/" + LearnwareRef.requireName(username, "user"))
            .timeout(CALL_TIMEOUT)
            .DELETE()
            .build());
  }

  /**
   * {@code GET /namespaces/{name}/audit} (the namespace's admins, scope {@code admin}): its audit
   * log, newest first.
   *
   * @param learnware a learnware's name in the namespace, or null for every entry
   * @param before an entry's id: only older entries; null for the newest
   * @param limit at most this many (1 to 200); null for the market's default, 50
   */
  public List<AuditEntry> audit(String namespace, String learnware, Long before, Integer limit)
      throws IOException, LearnwareApiException {
    List<String> query = new ArrayList<>();
    if (learnware != null) {
      query.add("learnware=" + LearnwareRef.requireName(learnware, "learnware"));
    }
    if (before != null) {
      query.add("before=" + before);
    }
    if (limit != null) {
      query.add("limit=" + limit);
    }
    String path =
        namespacePath(namespace)
            + "/audit"
            + (query.isEmpty() ? "" : "?" + String.join("&", query));
    return List.of(json(send(get(path)), AuditEntry[].class));
  }

  /**
   * {@code PUT /learnwares/{owner}/{name}/visibility} (the namespace's admins): makes a learnware
   * {@code public} or {@code private}; the answer is {@code {learnware, visibility}}.
   */
  public JsonNode setVisibility(String owner, String name, String visibility)
      throws IOException, LearnwareApiException {
    HttpRequest request =
        request(
                API
                    + "/learnwares/"
                    + new LearnwareRef(owner, name, LearnwareRef.LATEST).key()
                    + "/visibility")
            .timeout(CALL_TIMEOUT)
            .header("Content-Type", "application/json")
            .PUT(jsonBody(mapper.createObjectNode().put("visibility", visibility(visibility))))
            .build();
    return json(send(request), JsonNode.class);
  }

  /**
   * {@code POST /worker-tokens} (admin): a token for a worker node (secret in this answer only).
   */
  public TokenInfo createWorkerToken(String name) throws IOException, LearnwareApiException {
    return json(
        send(post(API + "/worker-tokens", mapper.createObjectNode().put("name", name))),
        TokenInfo.class);
  }

  /** {@code GET /learnwares/{owner}/{name}}: the learnware with its versions and aliases. */
  public JsonNode learnware(String owner, String name) throws IOException, LearnwareApiException {
    return json(
        send(get(API + "/learnwares/" + new LearnwareRef(owner, name, "latest").key())),
        JsonNode.class);
  }

  /** {@code PUT /learnwares/{owner}/{name}/aliases/{alias}}: points an alias at a version. */
  public JsonNode setAlias(LearnwareRef ref, String alias, int version)
      throws IOException, LearnwareApiException {
    HttpRequest request =
        request(API + "/learnwares/" + ref.key() + "/aliases/" + ref.at(alias).version())
            .timeout(CALL_TIMEOUT)
            .header("Content-Type", "application/json")
            .PUT(jsonBody(mapper.createObjectNode().put("version", version)))
            .build();
    return json(send(request), JsonNode.class);
  }

  /** {@code DELETE …/versions/{ref}} (owner or admin). */
  public void delete(LearnwareRef ref) throws IOException, LearnwareApiException {
    noContent(request(versionPath(ref)).timeout(CALL_TIMEOUT).DELETE().build());
  }

  /**
   * Uploads a data set for jobs: {@code POST /datasets/{owner}/{name}} with part {@code data} (a
   * CSV with a header, or IDX images) and, for IDX images, optional part {@code labels}.
   *
   * @param labels IDX labels, or null
   */
  public DatasetInfo uploadDataset(
      String owner, String name, Path data, Path labels, TransferListener progress)
      throws IOException, LearnwareApiException {
    LearnwareRef key = new LearnwareRef(owner, name, LearnwareRef.LATEST);
    MultipartBody body = new MultipartBody().file("data", data, "application/octet-stream");
    if (labels != null) {
      body.file("labels", labels, "application/octet-stream");
    }
    HttpRequest request =
        request(API + "/datasets/" + key.key())
            .header("Content-Type", body.contentType())
            .POST(body.publisher(key.key(), progress))
            .build();
    return json(send(request), DatasetInfo.class);
  }

  /** {@code POST /jobs}: queues a job; the answer is the job in state {@code QUEUED}. */
  public JobInfo submit(JobRequest job) throws IOException, LearnwareApiException {
    HttpRequest request =
        request(API + "/jobs")
            .timeout(CALL_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(jsonBody(job))
            .build();
    return json(send(request), JobInfo.class);
  }

  /** {@code GET /jobs/{id}}. */
  public JobInfo job(String id) throws IOException, LearnwareApiException {
    return json(send(get(jobPath(id))), JobInfo.class);
  }

  /** {@code GET /jobs}: the caller's jobs, newest first. */
  public List<JobInfo> jobs() throws IOException, LearnwareApiException {
    return List.of(json(send(get(API + "/jobs")), JobInfo[].class));
  }

  /** {@code POST /jobs/{id}/cancel}. */
  public JobInfo cancel(String id) throws IOException, LearnwareApiException {
    HttpRequest request =
        request(jobPath(id) + "/cancel")
            .timeout(CALL_TIMEOUT)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    return json(send(request), JobInfo.class);
  }

  /**
   * Follows a job until it finishes, through its event stream ({@code GET /jobs/{id}/events}),
   * telling {@code listener} of each change; returns the finished job. A stream that ends early (a
   * proxy's idle timeout, an API instance restarting) is opened again.
   */
  public JobInfo watch(String id, JobListener listener) throws IOException, LearnwareApiException {
    while (true) {
      JobInfo last = followEvents(id, listener);
      if (last != null && last.finished()) {
        return last;
      }
      JobInfo now = job(id);
      if (now.finished()) {
        listener.changed(now);
        return now;
      }
      pause(RECONNECT_PAUSE);
    }
  }

  /** Reads one event stream to its end; returns the last job it carried, or null. */
  private JobInfo followEvents(String id, JobListener listener)
      throws IOException, LearnwareApiException {
    // No timeout: a job may run for hours, and the server ends the stream when it finishes.
    HttpRequest request = request(jobPath(id) + "/events", "text/event-stream").GET().build();
    HttpResponse<InputStream> response = send(request);
    if (response.statusCode() != 200) {
      throw problem(response);
    }
    JobInfo last = null;
    try (var lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      StringBuilder data = new StringBuilder();
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.startsWith("data:")) {
          data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).stripLeading());
        } else if (line.isEmpty() && !data.isEmpty()) {
          last = parseEvent(response.uri(), data.toString());
          data.setLength(0);
          listener.changed(last);
          if (last.finished()) {
            return last;
          }
        }
      }
    } catch (IOException e) {
      if (e instanceof BadResponseException) {
        throw e;
      }
      // The stream broke: the caller asks for the job's state and opens it again.
      return last;
    }
    return last;
  }

  private JobInfo parseEvent(URI uri, String data) throws BadResponseException {
    try {
      return mapper.readValue(data, JobInfo.class);
    } catch (JsonProcessingException e) {
      throw new BadResponseException(
          "%s: an event is not the job JSON the API describes: %s"
              .formatted(uri, e.getOriginalMessage()),
          e);
    }
  }

  private static void pause(Duration duration) throws InterruptedIOException {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while watching a job");
    }
  }

  private static String namespacePath(String name) {
    return API + "/namespaces/" + LearnwareRef.requireName(name, "namespace");
  }

  private static String visibility(String visibility) {
    if (!"public".equals(visibility) && !"private".equals(visibility)) {
      throw new IllegalArgumentException(
          "visibility must be public or private, got '" + visibility + "'");
    }
    return visibility;
  }

  /** Sends a request whose success has no body (204). */
  private void noContent(HttpRequest request) throws IOException, LearnwareApiException {
    HttpResponse<InputStream> response = send(request);
    if (response.statusCode() >= 300) {
      throw problem(response);
    }
    response.body().close();
  }

  private static String jobPath(String id) {
    if (!JOB_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("'" + id + "' is not a job id (a UUID)");
    }
    return API + "/jobs/" + id;
  }

  private HttpRequest.BodyPublisher jsonBody(Object value) throws JsonProcessingException {
    return HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(value));
  }

  @Override
  public void close() {
    http.close();
  }

  /** Copies an artifact from the cache, or downloads it into the cache first. */
  private PulledFile fetch(
      String path, Artifact artifact, Path target, String role, TransferListener progress)
      throws IOException, LearnwareApiException {
    String sha256 = artifact.sha256();
    if (!Sha256.isValid(sha256)) {
      throw new BadResponseException(
          "%s%s: the listed SHA-256 '%s' is not 64 hexadecimal digits"
              .formatted(base, path, sha256));
    }
    Optional<Path> cached = cache.find(sha256);
    if (cached.isPresent() && cache.copyVerified(cached.get(), sha256, target)) {
      return new PulledFile(role, target, sha256, artifact.size(), true);
    }
    Path blob = download(path, sha256, artifact.size(), target.getFileName().toString(), progress);
    AtomicFiles.write(target, out -> Files.copy(blob, out));
    return new PulledFile(role, target, sha256, artifact.size(), false);
  }

  /** Streams an artifact into the cache, verifying its SHA-256 on the way. */
  private Path download(
      String path, String sha256, long size, String name, TransferListener progress)
      throws IOException, LearnwareApiException {
    HttpResponse<InputStream> response = send(download(path));
    URI uri = response.uri();
    if (response.statusCode() != 200) {
      throw problem(response);
    }
    Optional<String> etag = response.headers().firstValue("ETag").map(LearnwareClient::unquote);
    if (etag.isPresent() && !etag.get().equals(sha256)) {
      response.body().close();
      throw new BadResponseException(
          "%s: the ETag %s differs from the listed SHA-256 %s".formatted(uri, etag.get(), sha256));
    }
    long total = response.headers().firstValueAsLong("Content-Length").orElse(size);
    Path partial = cache.newPartial();
    try {
      MessageDigest digest = Sha256.newDigest();
      try (InputStream in = response.body();
          OutputStream out = Files.newOutputStream(partial)) {
        byte[] buffer = new byte[COPY_BUFFER];
        long received = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
          digest.update(buffer, 0, n);
          out.write(buffer, 0, n);
          received += n;
          progress.transferred(name, received, total);
        }
      } catch (IOException e) {
        throw new IOException("%s: the download broke off: %s".formatted(uri, describe(e)), e);
      }
      String actual = Sha256.hex(digest.digest());
      if (!actual.equals(sha256)) {
        throw new ChecksumMismatchException(uri, sha256, actual);
      }
      return cache.add(partial, sha256);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /**
   * The file name {@link #pull} writes a model of {@code format} under: {@code model.pt}, {@code
   * model.onnx}, {@code model.params}, {@code ensemble.json}.
   */
  public static String modelFileName(String format) {
    return switch (format == null ? "" : format) {
      case "torchscript" -> "model.pt";
      case "onnx" -> "model.onnx";
      case "djl" -> "model.params";
      // A published ensemble's artifact keeps the name its loaders know it by.
      case "ensemble" -> EnsembleManifest.FILE_NAME;
      default -> "model.bin";
    };
  }

  /** An entity tag's value: {@code "abc"} and {@code W/"abc"} both give {@code abc}. */
  private static String unquote(String etag) {
    String value = etag.startsWith("W/") ? etag.substring(2) : etag;
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }

  private static String versionPath(LearnwareRef ref) {
    return API + "/learnwares/" + ref.key() + "/versions/" + ref.version();
  }

  /** A request for a JSON answer (errors are always problem documents). */
  private HttpRequest.Builder request(String path) {
    return request(path, "application/json, application/problem+json");
  }

  private HttpRequest.Builder request(String path, String accept) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept);
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private HttpRequest post(String path, Object body) throws JsonProcessingException {
    return request(path)
        .timeout(CALL_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(jsonBody(body))
        .build();
  }

  private HttpRequest get(String path) {
    return request(path).timeout(CALL_TIMEOUT).GET().build();
  }

  /** A download: the body is bytes, the timeout covers the wait for the headers only. */
  private HttpRequest download(String path) {
    return request(path, "application/octet-stream, application/problem+json")
        .timeout(CALL_TIMEOUT)
        .GET()
        .build();
  }

  private HttpResponse<InputStream> send(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(request.method() + " " + request.uri() + ": interrupted");
    } catch (IOException e) {
      throw new IOException("%s %s: %s".formatted(request.method(), request.uri(), describe(e)), e);
    }
  }

  /** The JDK leaves many network exceptions without a message. */
  private static String describe(IOException e) {
    if (e instanceof HttpTimeoutException) {
      return "timed out";
    }
    if (e.getMessage() != null && !e.getMessage().isBlank()) {
      return e.getMessage();
    }
    if (e instanceof ConnectException) {
      return "cannot connect (is the server running?)";
    }
    return e.getClass().getSimpleName();
  }

  private <T> T json(HttpResponse<InputStream> response, Class<T> type)
      throws IOException, LearnwareApiException {
    if (response.statusCode() >= 300) {
      throw problem(response);
    }
    try (InputStream in = response.body()) {
      return mapper.readValue(in, type);
    } catch (JsonProcessingException e) {
      throw new BadResponseException(
          "%s: the answer is not the JSON the API describes: %s"
              .formatted(response.uri(), e.getOriginalMessage()),
          e);
    }
  }

  /**
   * The problem document of an error answer; a body that is not one (say, an HTML page from a
   * proxy) becomes a problem without title, with the body's first line as detail.
   */
  private LearnwareApiException problem(HttpResponse<InputStream> response) throws IOException {
    int status = response.statusCode();
    byte[] body;
    try (InputStream in = response.body()) {
      body = in.readNBytes(MAX_ERROR_BODY);
    }
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    if (contentType.contains("json")) {
      try {
        Problem problem = mapper.readValue(body, Problem.class);
        return new LearnwareApiException(status, problem);
      } catch (IOException e) {
        // Not a problem document after all: describe it like any other body.
      }
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    String detail = text.lines().findFirst().orElse("");
    if (detail.length() > 200) {
      detail = detail.substring(0, 200) + "…";
    }
    return new LearnwareApiException(status, new Problem(null, null, status, detail, List.of()));
  }
}
