package io.learnware.client;

import java.net.URI;

/** Downloaded bytes do not hash to the SHA-256 the market announced for them; they were dropped. */
public class ChecksumMismatchException extends BadResponseException {

  private final String expected;
  private final String actual;

  public ChecksumMismatchException(URI source, String expected, String actual) {
    super(
        "%s: the downloaded bytes have SHA-256 %s, the market announced %s"
            .formatted(source, actual, expected));
    this.expected = expected;
    this.actual = actual;
  }

  public String expected() {
    return expected;
  }

  public String actual() {
    return actual;
  }
}
