package io.learnware.market.storage;

import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Optional;

/**
 * Downloads of stored blobs: ETag = quoted SHA-256, 304 when it matches, a 307 redirect when the
 * store hands out download links (presigned S3 URLs), local files zero-copy.
 */
public final class BlobResponses {

  private BlobResponses() {}

  public static Response download(
      BlobStore blobs, String sha256, String filename, Request request) {
    EntityTag etag = new EntityTag(sha256);
    Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
    if (notModified != null) {
      return notModified.tag(etag).build();
    }
    Optional<URI> link = blobs.downloadLink(sha256, filename);
    if (link.isPresent()) {
      return Response.temporaryRedirect(link.get()).tag(etag).build();
    }
    Object body =
        blobs
            .localFile(sha256)
            .<Object>map(path -> path)
            .orElseGet(
                () -> {
                  try {
                    return blobs.open(sha256);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
    return Response.ok(body, MediaType.APPLICATION_OCTET_STREAM_TYPE)
        .tag(etag)
        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"")
        .build();
  }
}
