package io.learnware.market.storage;

import io.learnware.market.MarketConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Blobs as objects {@code <key prefix>blobs/<sha256>} in an S3 bucket (AWS S3, MinIO, Ceph RGW, R2,
 * S3Proxy, ...).
 *
 * <p>An upload's hash is known only at its end, so its bytes are sent while they stream in (see
 * {@link #receive}) as a multipart upload under a staging key {@code <prefix>staging/<uuid>}, and
 * {@link #put} then copies that object server-side to its content key (or drops it when the blob is
 * already stored). A file smaller than one part never leaves memory until {@link #put} sends it to
 * its content key in one request. An upload that fails is aborted; one a crash interrupted is
 * aborted by {@link #removeAbandonedUploads}, which the orphan sweep runs.
 *
 * <p>The staged file on local disk is still written: the upload's checks (zip directories, format
 * sniffing, ONNX external data) read it with random access before anything is recorded, and it is
 * deleted with the request.
 */
@ApplicationScoped
@Identifier("s3")
public class S3BlobStore implements BlobStore {

  private static final Logger LOG = Logger.getLogger(S3BlobStore.class);

  /** The largest object CopyObject copies in one request; larger ones are copied in parts. */
  private static final long COPY_LIMIT = 5L << 30;

  private static final String BLOBS = "blobs/";
  private static final String STAGING = "staging/";

  /** Discards run here, so that callers on the event loop never wait for the network. */
  private static final ExecutorService BACKGROUND =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("s3-discard-", 0).factory());

  private final S3Client s3;
  private final S3Presigner presigner;
  private final String bucket;
  private final String prefix;
  private final int partSize;
  private final boolean presignedDownloads;
  private final Duration presignedExpiry;
  private final Duration abandonedUploadAge;

  @Inject
  public S3BlobStore(MarketConfig config) {
    this(config.storage().s3());
  }

  /** A store outside CDI (backups); close it with {@link #close}. */
  public S3BlobStore(MarketConfig.S3 settings) {
    this.bucket =
        settings
            .bucket()
            .filter(b -> !b.isBlank())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "learnware.storage.type=s3 needs a bucket: set LEARNWARE_STORAGE_S3_BUCKET"));
    this.prefix = settings.keyPrefix().orElse("");
    long part = settings.partSize().asLongValue();
    if (part < (5 << 20) || part > (1 << 30)) {
      throw new IllegalStateException(
          "learnware.storage.s3.part-size must be between 5M (S3's smallest part) and 1G, not "
              + part
              + " bytes");
    }
    this.partSize = Math.toIntExact(part);
    this.presignedDownloads = settings.presignedDownloads();
    this.presignedExpiry = settings.presignedExpiry();
    this.abandonedUploadAge = settings.abandonedUploadAge();
    AwsCredentialsProvider credentials = credentials(settings);
    Region region = Region.of(settings.region());
    S3Configuration service =
        S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyleAccess()).build();
    var client =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(region)
            .credentialsProvider(credentials)
            .serviceConfiguration(service)
            // Blobs are checked by their SHA-256; CRC trailers are not spoken by every S3 server.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    var presign =
        S3Presigner.builder()
            .region(region)
            .credentialsProvider(credentials)
            .serviceConfiguration(service);
    settings
        .endpoint()
        .ifPresent(
            endpoint -> {
              client.endpointOverride(endpoint);
              presign.endpointOverride(endpoint);
            });
    this.s3 = client.build();
    this.presigner = presign.build();
  }

  private static AwsCredentialsProvider credentials(MarketConfig.S3 settings) {
    if (settings.accessKeyId().isPresent() && settings.secretAccessKey().isPresent()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(
              settings.accessKeyId().get(), settings.secretAccessKey().get()));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  @PreDestroy
  public void close() {
    s3.close();
    presigner.close();
  }

  /** The bucket and key prefix, for messages. */
  public String location() {
    return "s3://" + bucket + "/" + prefix;
  }

  private String keyOf(String sha256) {
    if (!Sha256.isHex(sha256)) {
      throw new IllegalArgumentException("not a SHA-256 hex digest: " + sha256);
    }
    return prefix + BLOBS + sha256;
  }

  @Override
  public void put(StagedFile staged) throws IOException {
    String key = keyOf(staged.sha256());
    try {
      if (exists(key)) {
        staged.discardSent();
        return;
      }
      if (staged.sent() instanceof Upload upload && upload.owner() == this) {
        upload.moveTo(key, staged.size());
      } else {
        staged.discardSent();
        sendFile(staged.path(), staged.size(), key);
      }
    } catch (SdkException e) {
      throw new IOException("could not store blob " + staged.sha256() + " in " + location(), e);
    } finally {
      Files.deleteIfExists(staged.path());
    }
  }

  private boolean exists(String key) {
    try {
      s3.headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  /** Sends a local file (job results and data sets, staged without streaming) in parts. */
  private void sendFile(Path file, long size, String key) throws IOException {
    if (size <= partSize) {
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
      return;
    }
    String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
    try (InputStream in = Files.newInputStream(file)) {
      List<CompletedPart> parts = new ArrayList<>();
      byte[] buffer = new byte[partSize];
      for (int number = 1; ; number++) {
        int length = in.readNBytes(buffer, 0, partSize);
        if (length == 0) {
          break;
        }
        parts.add(sendPart(key, uploadId, number, buffer, length));
      }
      s3.completeMultipartUpload(
          b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
    } catch (IOException | RuntimeException e) {
      abort(key, uploadId);
      throw e;
    }
  }

  private CompletedPart sendPart(
      String key, String uploadId, int number, byte[] bytes, int length) {
    String etag =
        s3.uploadPart(
                b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                // A stream over the array, made anew for each retry: no copy of the part.
                RequestBody.fromContentProvider(
                    () -> new ByteArrayInputStream(bytes, 0, length),
                    length,
                    "application/octet-stream"))
            .eTag();
    return CompletedPart.builder().partNumber(number).eTag(etag).build();
  }

  private void abort(String key, String uploadId) {
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (SdkException e) {
      LOG.warnf(e, "Could not abort the multipart upload of %s; the orphan sweep retries", key);
    }
  }

  @Override
  public InputStream open(String sha256) throws IOException {
    try {
      return s3.getObject(b -> b.bucket(bucket).key(keyOf(sha256)));
    } catch (NoSuchKeyException e) {
      throw new java.nio.file.NoSuchFileException(location() + BLOBS + sha256);
    } catch (SdkException e) {
      throw new IOException("could not read blob " + sha256 + " from " + location(), e);
    }
  }

  @Override
  public Optional<Path> localFile(String sha256) {
    return Optional.empty();
  }

  @Override
  public Optional<URI> downloadLink(String sha256, String filename) {
    if (!presignedDownloads) {
      return Optional.empty();
    }
    String disposition = "attachment; filename=\"" + filename + "\"";
    try {
      return Optional.of(
          presigner
              .presignGetObject(
                  p ->
                      p.signatureDuration(presignedExpiry)
                          .getObjectRequest(
                              g ->
                                  g.bucket(bucket)
                                      .key(keyOf(sha256))
                                      .responseContentDisposition(disposition)))
              .url()
              .toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean delete(String sha256) throws IOException {
    String key = keyOf(sha256);
    try {
      if (!exists(key)) {
        return false;
      }
      s3.deleteObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (SdkException e) {
      throw new IOException("could not delete blob " + sha256 + " from " + location(), e);
    }
  }

  @Override
  public Stream<String> hashes() throws IOException {
    String blobs = prefix + BLOBS;
    try {
      return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(blobs)).contents().stream()
          .map(object -> object.key().substring(blobs.length()))
          .filter(Sha256::isHex);
    } catch (SdkException e) {
      throw new IOException("could not list the blobs in " + location(), e);
    }
  }

  @Override
  public Optional<Incoming> receive() {
    return Optional.of(new Upload(prefix + STAGING + UUID.randomUUID()));
  }

  @Override
  public int removeAbandonedUploads() throws IOException {
    int removed = 0;
    try {
      List<MultipartUpload> uploads = multipartUploads();
      // After listing: S3Proxy's file-system backend reports the listing's time as "initiated".
      Instant before = Instant.now().minus(abandonedUploadAge);
      for (MultipartUpload upload : uploads) {
        if (!upload.initiated().isAfter(before)) {
          abort(upload.key(), upload.uploadId());
          removed++;
        }
      }
      for (S3Object staged : stagingObjects()) {
        if (!staged.lastModified().isAfter(before)) {
          s3.deleteObject(b -> b.bucket(bucket).key(staged.key()));
          removed++;
        }
      }
    } catch (SdkException e) {
      throw new IOException("could not list the interrupted uploads in " + location(), e);
    }
    if (removed > 0) {
      LOG.infof("Removed %d interrupted upload(s) from %s", removed, location());
    }
    return removed;
  }

  /** Multipart uploads in progress (or abandoned) under the key prefix. */
  public List<MultipartUpload> multipartUploads() {
    return s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix)).uploads().stream()
        .toList();
  }

  /** Completed uploads not yet copied to their content key, under the key prefix. */
  public List<S3Object> stagingObjects() {
    return s3
        .listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + STAGING))
        .contents()
        .stream()
        .toList();
  }

  @Override
  public Optional<String> unreachable() {
    try {
      s3.headBucket(b -> b.bucket(bucket));
      return Optional.empty();
    } catch (SdkException e) {
      return Optional.of("bucket " + location() + " is not reachable: " + e.getMessage());
    }
  }

  /**
   * One file streamed to a staging key: bytes gather in a part buffer, each full part is sent (on
   * the caller's thread, which is the staging file's writer, so a slow store slows the upload
   * rather than filling memory). All S3 calls of an upload run under its monitor, so a discard
   * waits for a part in flight and then aborts.
   */
  private final class Upload implements Incoming {
    private final String key;
    private final List<CompletedPart> parts = new ArrayList<>();

    /** Grows to one part: most files (specs, small models) are far smaller. */
    private byte[] buffer = new byte[Math.min(partSize, 64 << 10)];

    private int filled;
    private String uploadId;
    private boolean finished;
    private boolean gone;

    Upload(String key) {
      this.key = key;
    }

    S3BlobStore owner() {
      return S3BlobStore.this;
    }

    @Override
    public synchronized void write(ByteBuffer bytes) throws IOException {
      while (bytes.hasRemaining() && !gone) {
        int n = Math.min(bytes.remaining(), partSize - filled);
        if (filled + n > buffer.length) {
          buffer =
              Arrays.copyOf(buffer, Math.min(partSize, Math.max(filled + n, 2 * buffer.length)));
        }
        bytes.get(buffer, filled, n);
        filled += n;
        if (filled == partSize) {
          send();
        }
      }
      bytes.position(bytes.limit());
    }

    private void send() throws IOException {
      try {
        if (uploadId == null) {
          uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        }
        parts.add(sendPart(key, uploadId, parts.size() + 1, buffer, filled));
        filled = 0;
      } catch (SdkException e) {
        throw new IOException("could not send an upload's bytes to " + location(), e);
      }
    }

    /** A file smaller than a part stays in memory; a larger one completes its staging object. */
    @Override
    public synchronized void finish() throws IOException {
      if (gone || uploadId == null) {
        finished = true;
        return;
      }
      if (filled > 0) {
        send();
      }
      try {
        s3.completeMultipartUpload(
            b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
      } catch (SdkException e) {
        throw new IOException("could not complete an upload to " + location(), e);
      }
      buffer = null;
      finished = true;
    }

    /** Stores the upload as the blob at {@code target}, then drops the staging object. */
    synchronized void moveTo(String target, long size) {
      if (!finished || gone) {
        throw new IllegalStateException("upload to " + key + " is not complete");
      }
      gone = true;
      if (uploadId == null) {
        byte[] bytes = buffer;
        int length = filled;
        buffer = null;
        s3.putObject(
            b -> b.bucket(bucket).key(target),
            RequestBody.fromContentProvider(
                () -> new ByteArrayInputStream(bytes, 0, length),
                length,
                "application/octet-stream"));
        return;
      }
      if (size <= COPY_LIMIT) {
        s3.copyObject(
            b ->
                b.sourceBucket(bucket)
                    .sourceKey(key)
                    .destinationBucket(bucket)
                    .destinationKey(target));
      } else {
        copyInParts(target, size);
      }
      s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    /** CopyObject stops at 5 GiB: larger staging objects are copied part by part. */
    private void copyInParts(String target, long size) {
      String copyId = s3.createMultipartUpload(b -> b.bucket(bucket).key(target)).uploadId();
      try {
        List<CompletedPart> copied = new ArrayList<>();
        long step = 1L << 30;
        for (long at = 0; at < size; at += step) {
          int number = copied.size() + 1;
          String range = "bytes=" + at + "-" + (Math.min(size, at + step) - 1);
          String etag =
              s3.uploadPartCopy(
                      b ->
                          b.sourceBucket(bucket)
                              .sourceKey(key)
                              .destinationBucket(bucket)
                              .destinationKey(target)
                              .uploadId(copyId)
                              .partNumber(number)
                              .copySourceRange(range))
                  .copyPartResult()
                  .eTag();
          copied.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        s3.completeMultipartUpload(
            b ->
                b.bucket(bucket)
                    .key(target)
                    .uploadId(copyId)
                    .multipartUpload(m -> m.parts(copied)));
      } catch (RuntimeException e) {
        abort(target, copyId);
        throw e;
      }
    }

    @Override
    public void discard() {
      BACKGROUND.execute(this::drop);
    }

    private synchronized void drop() {
      if (gone) {
        return;
      }
      gone = true;
      buffer = null;
      if (uploadId == null) {
        return;
      }
      try {
        if (finished) {
          s3.deleteObject(b -> b.bucket(bucket).key(key));
        } else {
          s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        }
      } catch (SdkException e) {
        LOG.warnf(e, "Could not drop the interrupted upload %s; the orphan sweep retries", key);
      }
    }
  }
}
