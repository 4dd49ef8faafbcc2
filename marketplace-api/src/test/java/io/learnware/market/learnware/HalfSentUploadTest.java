package io.learnware.market.learnware;

import static io.learnware.market.support.EmbeddedPostgresResource.MARKET;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.market.support.EmbeddedPostgresResource;
import io.learnware.market.support.StoredBlobs;
import io.learnware.testing.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A body that reaches its Content-Length without the multipart closing boundary (issue 13): the
 * upload is answered 400 at once and leaves no staged part behind (on S3: no multipart upload, see
 * {@link HalfSentUploadS3Test}).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPostgresResource.class)
class HalfSentUploadTest {

  @Inject StoredBlobs blobs;

  @Test
  void aMultipartBodyWithoutItsClosingBoundaryIsA400AndLeavesNothingStaged() throws Exception {
    String token = MARKET.newUser("half");
    String owner = MARKET.usernameOf(token);
    String boundary = "half-sent-boundary";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"spec\"; filename=\"spec.json\""
                + "\r\nContent-Type: application/json\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(Fixtures.bytes(Fixtures.DIGITS_SPEC));
    body.write(
        ("\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"model\";"
                + " filename=\"model.pt\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(Fixtures.bytes(Fixtures.DIGITS_MODEL));
    // More than an S3 part, so that the S3 store has begun a multipart upload: ...
    body.write(new byte[6 << 20]); // ... and no "\r\n--boundary--"
    int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);

    String answer;
    try (Socket socket = new Socket("localhost", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/learnwares/"
                  + owner
                  + "/half/versions HTTP/1.1\r\nHost: localhost\r\n"
                  + "Authorization: Bearer "
                  + token
                  + "\r\n"
                  + "Content-Type: multipart/form-data; boundary="
                  + boundary
                  + "\r\n"
                  + "Content-Length: "
                  + body.size()
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      body.writeTo(out);
      out.flush();
      answer = read(socket.getInputStream());
    }

    assertThat(answer)
        .startsWith("HTTP/1.1 400")
        .contains("application/problem+json")
        .contains("closing boundary is missing");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(blobs.stagingFiles()).isZero());
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
