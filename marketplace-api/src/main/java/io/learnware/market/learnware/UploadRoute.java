package io.learnware.market.learnware;

import io.learnware.market.MarketConfig;
import io.learnware.market.account.Access;
import io.learnware.market.account.AccountService;
import io.learnware.market.account.BearerToken;
import io.learnware.market.account.Principal;
import io.learnware.market.account.Role;
import io.learnware.market.account.Scope;
import io.learnware.market.learnware.LearnwareDtos.UploadResult;
import io.learnware.market.problem.MarketException;
import io.learnware.market.problem.ProblemMapper;
import io.learnware.market.problem.ProblemResponse;
import io.learnware.market.storage.BlobStore;
import io.learnware.market.storage.DiskReserve;
import io.learnware.market.storage.StagedFile;
import io.learnware.market.storage.StagingFile;
import io.learnware.market.storage.TemporaryFiles;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * {@code POST /api/v1/learnwares/{owner}/{name}/versions}, streamed. Multipart parts are parsed by
 * Vert.x on the event loop and written straight to staging files next to the blob store while their
 * SHA-256 is computed, so memory stays flat and every byte is read once. The caller is
 * authenticated and authorised before the body is read, and a spec that arrives first is validated
 * before the model is. Documented in META-INF/openapi.yaml.
 */
@ApplicationScoped
public class UploadRoute {

  private static final Logger LOG = Logger.getLogger(UploadRoute.class);
  static final String PATH = "/api/v1/learnwares/:owner/:name/versions";

  private final LearnwareService service;
  private final AccountService accounts;
  private final Access access;
  private final Vertx vertx;
  private final long maxBytes;
  private final long maxSpecBytes;
  private final Path staging;
  private final DiskReserve disk;
  private final BlobStore blobs;

  public UploadRoute(
      LearnwareService service,
      AccountService accounts,
      Access access,
      Vertx vertx,
      MarketConfig config,
      DiskReserve disk,
      TemporaryFiles temporaryFiles,
      BlobStore blobs) {
    this.disk = disk;
    this.blobs = blobs;
    this.service = service;
    this.accounts = accounts;
    this.access = access;
    this.vertx = vertx;
    this.maxBytes = config.upload().maxSize().asLongValue();
    this.maxSpecBytes = config.upload().maxSpecSize().asLongValue();
    this.staging = temporaryFiles.uploads();
  }

  void register(@Observes Router router) {
    // Ahead of the REST layer, which would otherwise parse (and buffer) the multipart body itself.
    router.post(PATH).order(-10).handler(this::handle);
  }

  private void handle(RoutingContext context) {
    HttpServerRequest request = context.request();
    request.pause();
    String owner = context.pathParam("owner");
    String name = context.pathParam("name");
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && parseLength(length) > maxBytes) {
      fail(context, tooLarge());
      return;
    }
    if (contentType == null || !contentType.toLowerCase().startsWith("multipart/form-data")) {
      fail(
          context,
          new MarketException.UnsupportedMediaType(
              "Upload a version as multipart/form-data with parts 'spec', 'model' and optional 'file'."));
      return;
    }
    String visibility = context.queryParams().get("visibility");
    if (visibility != null && !visibility.equals("public") && !visibility.equals("private")) {
      fail(context, new MarketException.InvalidInput("/visibility", "must be public or private"));
      return;
    }
    // No token, or one of another scheme, is as unknown as a wrong one.
    String token = BearerToken.of(request.getHeader(HttpHeaders.AUTHORIZATION)).orElse("");
    vertx
        .executeBlocking(
            () -> {
              Principal principal =
                  accounts.authenticate(token).orElseThrow(MarketException.Unauthorized::new);
              access.require(principal, owner, Role.WRITE, Scope.WRITE);
              disk.requireRoom(length == null ? 0 : parseLength(length));
              Files.createDirectories(staging);
              return principal;
            },
            false)
        .onSuccess(
            principal -> {
              context.put(BearerToken.AUTHENTICATED, Boolean.TRUE);
              new Receipt(context, principal, owner, name, visibility).start();
            })
        .onFailure(e -> fail(context, e));
  }

  /**
   * One upload in flight: its parts as they stream in, and the clean-up when it ends either way.
   */
  private final class Receipt {
    private final RoutingContext context;
    private final Principal principal;
    private final String visibility;
    private final String owner;
    private final String name;
    private final List<Future<StagedFile>> files = new ArrayList<>();
    private final List<Path> written = new ArrayList<>();

    /** What the blob store received while parts streamed in: dropped unless the upload commits. */
    private final List<BlobStore.Incoming> sent = new ArrayList<>();

    private Future<StagedFile> model;
    private String spec;

    /** Parts begun but not ended: left over when a body ends without its closing boundary. */
    private final Map<Path, StagingFile> open = new HashMap<>();

    /** Parts paused until their staging file has written (or sent) earlier bytes. */
    private final Set<Path> paused = new HashSet<>();

    private boolean specOpen;
    private long received;
    private boolean failed;

    Receipt(
        RoutingContext context, Principal principal, String owner, String name, String visibility) {
      this.visibility = visibility;
      this.context = context;
      this.principal = principal;
      this.owner = owner;
      this.name = name;
    }

    void start() {
      HttpServerRequest request = context.request();
      request.setExpectMultipart(true);
      request.uploadHandler(this::part);
      request.exceptionHandler(e -> abort(e));
      request.endHandler(v -> finish());
      request.resume();
    }

    private void part(HttpServerFileUpload upload) {
      if (failed) {
        upload.handler(buffer -> {});
        return;
      }
      switch (upload.name()) {
        case "spec" -> readSpec(upload);
        case "model" -> {
          if (model != null) {
            abort(new MarketException.InvalidInput("/model", "send exactly one 'model' part"));
            return;
          }
          model = stage(upload);
        }
        case "file" -> files.add(stage(upload));
        default ->
            abort(
                new MarketException.InvalidInput(
                    "/" + upload.name(),
                    "unknown form part '" + upload.name() + "'; expected spec, model or file"));
      }
    }

    /** The spec is small: keep it in memory, bounded, and check it before the model arrives. */
    private void readSpec(HttpServerFileUpload upload) {
      specOpen = true;
      Buffer buffer = Buffer.buffer();
      upload.handler(
          chunk -> {
            if (!failed
                && count(chunk.length())
                && buffer.length() + chunk.length() <= maxSpecBytes) {
              buffer.appendBuffer(chunk);
            } else if (!failed) {
              abort(
                  new MarketException.InvalidInput(
                      "/spec", "the spec is larger than " + maxSpecBytes + " bytes"));
            }
          });
      upload.endHandler(
          v -> {
            specOpen = false;
            spec = buffer.toString(StandardCharsets.UTF_8);
            if (model == null && files.isEmpty()) {
              // Nothing else has arrived yet: hold the rest of the body until the spec is known to
              // be good.
              context.request().pause();
              vertx
                  .executeBlocking(
                      () -> {
                        service.checkSpec(spec);
                        return null;
                      },
                      false)
                  .onSuccess(ok -> context.request().resume())
                  .onFailure(this::abort);
            }
          });
    }

    /** Streams a part to a staging file, which hashes it; completes with its size and SHA-256. */
    private Future<StagedFile> stage(HttpServerFileUpload upload) {
      Path path = staging.resolve(UUID.randomUUID() + ".part");
      written.add(path);
      Context loop = vertx.getOrCreateContext();
      StagingFile file;
      try {
        BlobStore.Incoming incoming = blobs.receive().orElse(null);
        if (incoming != null) {
          sent.add(incoming);
        }
        file =
            StagingFile.create(
                path,
                () ->
                    loop.runOnContext(
                        v -> {
                          paused.remove(path);
                          upload.resume();
                        }),
                incoming);
      } catch (IOException e) {
        abort(e);
        upload.handler(buffer -> {});
        return Future.failedFuture(e);
      }
      Promise<StagedFile> staged = Promise.promise();
      open.put(path, file);
      upload.handler(
          chunk -> {
            if (failed || !count(chunk.length())) {
              return;
            }
            ByteBuffer bytes = chunk.getByteBuf().nioBuffer();
            try {
              if (!file.write(bytes)) {
                paused.add(path);
                upload.pause();
              }
            } catch (IOException e) {
              abort(e);
            }
          });
      upload.exceptionHandler(
          e -> {
            file.abort();
            abort(e);
          });
      upload.endHandler(
          v -> {
            open.remove(path);
            if (failed) {
              file.abort();
              return;
            }
            Future.fromCompletionStage(file.finish(), loop)
                .onFailure(staged::fail)
                .onSuccess(
                    size ->
                        staged.complete(
                            new StagedFile(
                                upload.filename(), path, size, file.sha256(), file.sent())));
          });
      return staged.future();
    }

    /** Counts body bytes against the limit; bodies without a declared length are cut off here. */
    private boolean count(int bytes) {
      received += bytes;
      if (received > maxBytes) {
        abort(tooLarge());
        return false;
      }
      return true;
    }

    private void finish() {
      if (failed) {
        return;
      }
      if (specOpen || !open.isEmpty()) {
        // A part paused for its store gets the rest of its bytes, and its end, after the request's
        // end: wait while parts move; a part that stays open without moving was never closed.
        awaitOpenParts(received, 0);
        return;
      }
      complete();
    }

    private void awaitOpenParts(long seen, int quietTicks) {
      vertx.setTimer(
          20,
          t -> {
            if (failed) {
              return;
            }
            if (!specOpen && open.isEmpty()) {
              complete();
              return;
            }
            boolean moving = received != seen || !paused.isEmpty();
            if (moving || quietTicks < 5) {
              awaitOpenParts(received, moving ? 0 : quietTicks + 1);
              return;
            }
            // The whole body arrived, but a part never ended: its closing boundary is missing.
            open.values().forEach(StagingFile::abort);
            abort(
                new MarketException.InvalidInput(
                    "/",
                    "the multipart body ended inside a part: its closing boundary is missing (a"
                        + " half-sent upload); send the whole form again"));
          });
    }

    private void complete() {
      List<Future<StagedFile>> parts = new ArrayList<>(files);
      if (model != null) {
        parts.add(model);
      }
      Future.all(parts)
          .compose(
              all ->
                  vertx.executeBlocking(
                      () ->
                          service.upload(
                              new UploadCommand(
                                  principal,
                                  owner,
                                  name,
                                  spec,
                                  model == null ? null : model.result(),
                                  files.stream().map(Future::result).toList(),
                                  visibility)),
                      false))
          .onComplete(
              result -> {
                deleteStaged();
                if (result.succeeded()) {
                  created(context, result.result());
                } else {
                  fail(context, result.cause());
                }
              });
    }

    private void abort(Throwable cause) {
      if (failed) {
        return;
      }
      failed = true;
      // Let pending writes settle before removing their files.
      vertx.setTimer(100, t -> deleteStaged());
      fail(context, cause);
    }

    private void deleteStaged() {
      // Stored blobs no longer need what was sent of them: discarding it does nothing then.
      sent.forEach(BlobStore.Incoming::discard);
      for (Path path : written) {
        vertx.fileSystem().delete(path.toString()).onFailure(e -> {});
      }
    }
  }

  private static void created(RoutingContext context, UploadResult result) {
    String location =
        "/api/v1/learnwares/%s/%s/versions/%d"
            .formatted(result.owner(), result.name(), result.version());
    context
        .response()
        .setStatusCode(201)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.LOCATION, location)
        .end(Json.encode(result));
  }

  /**
   * Answers with a problem document. If the body was not read to its end the connection is closed
   * afterwards: that is the only way to stop a client that is still sending.
   */
  private static void fail(RoutingContext context, Throwable cause) {
    if (cause instanceof HttpClosedException) {
      // The client went away, or RequestLimits cut off a stalled body: nobody reads an answer.
      LOG.debugf("Upload aborted: %s", cause.getMessage());
      return;
    }
    MarketException known = ProblemMapper.translate(cause);
    ProblemResponse problem;
    if (known != null) {
      problem = ProblemResponse.of(known);
    } else {
      LOG.error("Upload failed", cause);
      problem =
          ProblemResponse.internalError(
              "The server failed to handle the upload; the error is logged.");
    }
    if (context.response().ended() || context.response().closed()) {
      return;
    }
    boolean bodyUnread = !context.request().isEnded();
    String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean small =
        length == null || (length.matches("\\d{1,7}") && Long.parseLong(length) <= DRAIN_LIMIT);
    if (bodyUnread && small) {
      // A small body is cheaper to read to its end than a client that fails with a broken pipe
      // before it sees the answer. A chunked body is read up to the same limit, then cut off.
      ProblemResponse drained = problem;
      long[] read = {0};
      context
          .request()
          .handler(
              chunk -> {
                read[0] += chunk.length();
                if (read[0] > DRAIN_LIMIT) {
                  context.request().handler(null);
                  respond(context, drained, true);
                }
              });
      context.request().endHandler(ignored -> respond(context, drained, false));
      context.request().resume();
      return;
    }
    respond(context, problem, bodyUnread);
  }

  private static void respond(RoutingContext context, ProblemResponse problem, boolean bodyUnread) {
    if (context.response().ended() || context.response().closed()) {
      return;
    }
    problem
        .send(context.response())
        .onComplete(
            done -> {
              if (bodyUnread) {
                context.request().connection().close();
              }
            });
  }

  /** Bodies up to this size are read to their end before an error answer; larger ones are cut. */
  private static final long DRAIN_LIMIT = 1 << 20;

  private MarketException tooLarge() {
    return new MarketException.PayloadTooLarge(
        "The upload is larger than the limit of " + maxBytes + " bytes.");
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
