package io.learnware.market.storage;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.MarketConfig;
import io.learnware.market.support.S3Presigned;
import io.learnware.market.support.StoredBlobs;
import io.learnware.testing.Fixtures;
import io.learnware.testing.S3Server;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What only the S3 store does, against S3Proxy: presigned-download redirects, uploads that reach S3
 * while they stream, the sweep of interrupted uploads, and an unreachable bucket.
 */
@QuarkusTest
@TestProfile(S3Presigned.class)
class S3BlobStoreTest {

  private static final int LARGE = 64 << 20;

  @Inject StoredBlobs blobs;
  @Inject StorageService storage;
  @Inject MarketConfig config;

  @ConfigProperty(name = "quarkus.http.test-port")
  int port;

  @Test
  void downloadsRedirectToAPresignedUrlThatServesTheSameBytes() throws Exception {
    String token = MARKET.newUser("presigned");
    String owner = MARKET.usernameOf(token);
    byte[] notes = new byte[300_000];
    new Random(3).nextBytes(notes);
    MARKET
        .digitsUpload(token)
        .multiPart("file", "notes.bin", notes)
        .post("/api/v1/learnwares/{owner}/linked/versions", owner)
        .then()
        .statusCode(201);

    String location =
        given()
            .redirects()
            .follow(false)
            .get("/api/v1/learnwares/{o}/linked/versions/1/files/notes.bin", owner)
            .then()
            .statusCode(307)
            .header("ETag", "\"" + Sha256.of(notes) + "\"")
            .extract()
            .header("Location");
    assertThat(location).contains("X-Amz-Signature=").contains("/market/blobs/" + Sha256.of(notes));

    HttpResponse<byte[]> direct =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(location)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(direct.statusCode()).isEqualTo(200);
    assertThat(Sha256.of(direct.body())).isEqualTo(Sha256.of(notes));
    assertThat(direct.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"notes.bin\"");
    // REST Assured follows the redirect as any HTTP client would.
    byte[] followed =
        given()
            .get("/api/v1/learnwares/{o}/linked/versions/1/files/notes.bin", owner)
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    assertThat(followed).isEqualTo(notes);
  }

  /**
   * 64 MiB sent in two halves: after the first, parts are already on S3 (a multipart upload is
   * open) while the rest has not been sent; the stored blob then has the exact bytes.
   */
  @Test
  void aLargeUploadReachesS3WhileItStreamsAndIsStoredExactly() throws Exception {
    String token = MARKET.newUser("large");
    String owner = MARKET.usernameOf(token);
    byte[] large = new byte[LARGE];
    new Random(64).nextBytes(large);
    String boundary = "large-upload-boundary";
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    head.write(part(boundary, "spec", "spec.json"));
    head.write(Fixtures.bytes(Fixtures.DIGITS_SPEC));
    head.write(("\r\n").getBytes(StandardCharsets.UTF_8));
    head.write(part(boundary, "model", "model.pt"));
    head.write(Fixtures.bytes(Fixtures.DIGITS_MODEL));
    head.write(("\r\n").getBytes(StandardCharsets.UTF_8));
    head.write(part(boundary, "file", "features.pt"));
    head.write(Fixtures.bytes(Fixtures.DIGITS_FEATURES));
    head.write(("\r\n").getBytes(StandardCharsets.UTF_8));
    head.write(part(boundary, "file", "large.bin"));
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    long length = head.size() + (long) LARGE + tail.length;
    int half = LARGE / 2;

    String answer;
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(120_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/learnwares/"
                  + owner
                  + "/large/versions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + token
                  + "\r\nContent-Type: multipart/form-data; boundary="
                  + boundary
                  + "\r\nContent-Length: "
                  + length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      head.writeTo(out);
      out.write(large, 0, half);
      out.flush();
      S3BlobStore s3 = blobs.s3().orElseThrow();
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(s3.multipartUploads()).hasSize(1));
      out.write(large, half, LARGE - half);
      out.write(tail);
      out.flush();
      answer = read(socket.getInputStream());
    }
    assertThat(answer).startsWith("HTTP/1.1 201");

    String sha = Sha256.of(large);
    assertThat(blobs.files(sha)).isEqualTo(1);
    assertThat(blobs.size(sha)).isEqualTo(LARGE);
    MessageDigest digest = Sha256.newDigest();
    long read = 0;
    try (InputStream in = blobs.s3().orElseThrow().open(sha)) {
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
        read += n;
      }
    }
    assertThat(read).isEqualTo(LARGE);
    assertThat(Sha256.hex(digest.digest())).isEqualTo(sha);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(blobs.stagingFiles()).isZero());
  }

  @Test
  void theSweepAbortsMultipartUploadsAndDeletesStagingObjectsThatACrashLeft() throws Exception {
    MarketConfig.S3 settings = config.storage().s3();
    S3BlobStore s3 = blobs.s3().orElseThrow();
    int uploads = s3.multipartUploads().size();
    int staged = s3.stagingObjects().size();
    try (S3Client client = client(settings, S3Server.ACCESS_KEY)) {
      String bucket = settings.bucket().orElseThrow();
      client.createMultipartUpload(b -> b.bucket(bucket).key("market/staging/crashed"));
      client.putObject(
          b -> b.bucket(bucket).key("market/staging/finished"), RequestBody.fromString("bytes"));
    }
    assertThat(s3.multipartUploads()).hasSize(uploads + 1);
    assertThat(s3.stagingObjects()).hasSize(staged + 1);
    // This profile takes every upload for abandoned at once.
    storage.sweepOrphans();
    assertThat(s3.multipartUploads()).isEmpty();
    assertThat(s3.stagingObjects()).isEmpty();
  }

  @Test
  void aMissingBucketOrWrongCredentialsAreReportedAndTheReadinessCheckIsUpHere() {
    MarketConfig.S3 settings = config.storage().s3();
    S3BlobStore missing = new S3BlobStore(with(settings, "no-such-bucket", S3Server.ACCESS_KEY));
    S3BlobStore wrongKey =
        new S3BlobStore(with(settings, settings.bucket().orElseThrow(), "not-the-key"));
    try {
      assertThat(missing.unreachable())
          .hasValueSatisfying(
              problem -> assertThat(problem).contains("s3://no-such-bucket/market/", "404"));
      assertThat(wrongKey.unreachable())
          .hasValueSatisfying(problem -> assertThat(problem).contains("is not reachable", "403"));
    } finally {
      missing.close();
      wrongKey.close();
    }
    given()
        .port(managementPort())
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'blob store' }.status", org.hamcrest.Matchers.equalTo("UP"))
        .body(
            "checks.find { it.name == 'blob store' }.data.type",
            org.hamcrest.Matchers.equalTo("s3"));
  }

  private static int managementPort() {
    return org.eclipse.microprofile.config.ConfigProvider.getConfig()
        .getValue("quarkus.management.test-port", Integer.class);
  }

  private static S3Client client(MarketConfig.S3 settings, String accessKey) {
    return S3Client.builder()
        .httpClient(UrlConnectionHttpClient.create())
        // As the store: S3Proxy does not read the SDK's default CRC trailers.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .region(Region.US_EAST_1)
        .endpointOverride(settings.endpoint().orElseThrow())
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(accessKey, S3Server.SECRET_KEY)))
        .build();
  }

  /** The market's settings with another bucket and access key. */
  private static MarketConfig.S3 with(MarketConfig.S3 settings, String bucket, String accessKey) {
    return new MarketConfig.S3() {
      @Override
      public Optional<URI> endpoint() {
        return settings.endpoint();
      }

      @Override
      public String region() {
        return settings.region();
      }

      @Override
      public Optional<String> bucket() {
        return Optional.of(bucket);
      }

      @Override
      public boolean pathStyleAccess() {
        return true;
      }

      @Override
      public Optional<String> keyPrefix() {
        return settings.keyPrefix();
      }

      @Override
      public Optional<String> accessKeyId() {
        return Optional.of(accessKey);
      }

      @Override
      public Optional<String> secretAccessKey() {
        return settings.secretAccessKey();
      }

      @Override
      public MemorySize partSize() {
        return settings.partSize();
      }

      @Override
      public boolean presignedDownloads() {
        return false;
      }

      @Override
      public Duration presignedExpiry() {
        return settings.presignedExpiry();
      }

      @Override
      public Duration abandonedUploadAge() {
        return settings.abandonedUploadAge();
      }
    };
  }

  private static byte[] part(String boundary, String name, String filename) {
    return ("--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\""
            + name
            + "\"; filename=\""
            + filename
            + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The status line, headers and the body that Content-Length announces. */
  private static String read(InputStream in) throws Exception {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    int n;
    while ((n = in.read(buffer)) > 0) {
      seen.write(buffer, 0, n);
      String text = seen.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      int length = text.toLowerCase().indexOf("content-length: ");
      if (end > 0 && length > 0) {
        int declared =
            Integer.parseInt(text.substring(length + 16, text.indexOf("\r\n", length)).strip());
        if (seen.size() >= end + 4 + declared) {
          break;
        }
      }
    }
    return seen.toString(StandardCharsets.UTF_8);
  }
}
