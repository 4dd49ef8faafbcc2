package io.learnware.spec.data;

/**
 * A data file's content is not what its reader accepts. The message is meant for the person who
 * gave the file: it names the file and, where there is one, the line and column at fault.
 *
 * <p>Checked, because every caller has someone to tell and should decide how.
 */
public class DataFormatException extends Exception {

  public DataFormatException(String message) {
    super(message);
  }

  public DataFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
