package io.learnware.client;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * A {@code multipart/form-data} body (RFC 7578) whose file parts are streamed from disk as the
 * request is sent, so that memory stays flat whatever the size of the model. The length is known in
 * advance, so the request carries a {@code Content-Length} and the server can refuse an oversized
 * upload before it starts. Uploads, data sets and workers' results are all written by it.
 */
public final class MultipartBody {

  private final String boundary = "learnware-" + HexFormat.of().formatHex(randomBytes());
  private final List<BodyPublisher> parts = new ArrayList<>();

  /** Adds a part with the content of {@code file}, named by its file name. */
  public MultipartBody file(String name, Path file, String contentType) throws IOException {
    return file(name, file.getFileName().toString(), file, contentType);
  }

  /** Adds a part with the content of {@code file}, sent as {@code filename}. */
  public MultipartBody file(String name, String filename, Path file, String contentType)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new FileNotFoundException(file + ": no such file");
    }
    String header =
        "--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
            .formatted(boundary, name, quoted(filename), contentType);
    parts.add(BodyPublishers.ofString(header, StandardCharsets.UTF_8));
    parts.add(BodyPublishers.ofFile(file));
    parts.add(BodyPublishers.ofString("\r\n"));
    return this;
  }

  /** Adds a part without a file name whose content is {@code value} in UTF-8. */
  public MultipartBody text(String name, String value, String contentType) {
    parts.add(
        BodyPublishers.ofString(
            "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\nContent-Type: %s\r\n\r\n%s\r\n"
                .formatted(boundary, name, contentType, value),
            StandardCharsets.UTF_8));
    return this;
  }

  /** The request's {@code Content-Type}, with the boundary. */
  public String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  /** The body. */
  public BodyPublisher publisher() {
    List<BodyPublisher> all = new ArrayList<>(parts);
    all.add(BodyPublishers.ofString("--" + boundary + "--\r\n"));
    return BodyPublishers.concat(all.toArray(BodyPublisher[]::new));
  }

  /** The body, reporting the bytes handed to the connection under {@code label}. */
  public BodyPublisher publisher(String label, TransferListener listener) {
    return new Counting(publisher(), label, listener);
  }

  /**
   * Browsers' escaping of a file name in a quoted header parameter (the WHATWG HTML form encoding):
   * the characters that would end the parameter or the header are percent-encoded.
   */
  private static String quoted(String fileName) {
    return fileName.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  /** Passes a body through, counting the bytes the HTTP client takes from it. */
  private static final class Counting implements BodyPublisher {
    private final BodyPublisher body;
    private final String label;
    private final TransferListener listener;

    Counting(BodyPublisher body, String label, TransferListener listener) {
      this.body = body;
      this.label = label;
      this.listener = listener;
    }

    @Override
    public long contentLength() {
      return body.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      // A resent request (a redirect, a retry) subscribes again and starts the count over.
      long total = body.contentLength();
      body.subscribe(
          new Flow.Subscriber<>() {
            private long sent;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
              subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(ByteBuffer item) {
              int bytes = item.remaining();
              subscriber.onNext(item);
              sent += bytes;
              listener.transferred(label, sent, total);
            }

            @Override
            public void onError(Throwable throwable) {
              subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
              subscriber.onComplete();
            }
          });
    }
  }
}
