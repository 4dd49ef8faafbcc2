package io.learnware.client;

import java.io.IOException;

/**
 * The market answered, but not as its API promises: JSON that does not fit, a missing header, an
 * unsafe file name. Retrying rarely helps; the server (or something between it and the client) is
 * at fault.
 */
public class BadResponseException extends IOException {

  public BadResponseException(String message) {
    super(message);
  }

  public BadResponseException(String message, Throwable cause) {
    super(message, cause);
  }
}
