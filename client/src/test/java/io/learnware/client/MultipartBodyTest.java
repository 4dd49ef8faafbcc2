package io.learnware.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.net.http.HttpRequest.BodyPublisher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultipartBodyTest {

  @TempDir Path tmp;

  @Test
  void textAndFilePartsAreWrittenAsRfc7578SaysWithTheirLengthKnown() throws Exception {
    Path features = Files.writeString(tmp.resolve("stored-under-another-name"), "weights");
    MultipartBody body =
        new MultipartBody()
            .text("report", "{\"mse\":0.5,\"note\":\"é\"}", "application/json")
            .file("file", "features \"v2\".pt", features, "application/octet-stream");
    String boundary = body.contentType().substring("multipart/form-data; boundary=".length());

    byte[] sent = bytes(body.publisher());

    assertThat(boundary).matches("learnware-[0-9a-f]{32}");
    assertThat(new String(sent, StandardCharsets.UTF_8))
        .isEqualTo(
            ("--%1$s\r\nContent-Disposition: form-data; name=\"report\"\r\n"
                    + "Content-Type: application/json\r\n\r\n{\"mse\":0.5,\"note\":\"é\"}\r\n"
                    + "--%1$s\r\nContent-Disposition: form-data; name=\"file\";"
                    + " filename=\"features %%22v2%%22.pt\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\nweights\r\n"
                    + "--%1$s--\r\n")
                .formatted(boundary));
    assertThat(body.publisher().contentLength()).isEqualTo(sent.length);
  }

  @Test
  void aMissingFileIsRefusedBeforeAnythingIsSent() {
    assertThatExceptionOfType(FileNotFoundException.class)
        .isThrownBy(
            () -> new MultipartBody().file("model", tmp.resolve("model.pt"), "application/json"))
        .withMessageEndingWith("model.pt: no such file");
  }

  /** What the HTTP client would send. */
  private static byte[] bytes(BodyPublisher publisher) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    publisher.subscribe(
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(ByteBuffer item) {
            byte[] chunk = new byte[item.remaining()];
            item.get(chunk);
            out.writeBytes(chunk);
          }

          @Override
          public void onError(Throwable throwable) {
            done.completeExceptionally(throwable);
          }

          @Override
          public void onComplete() {
            done.complete(out.toByteArray());
          }
        });
    return done.get(10, TimeUnit.SECONDS);
  }
}
