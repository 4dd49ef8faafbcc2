package io.learnware.worker.model;

/**
 * A model artifact cannot be loaded, or does not run on its declared input. The message says what
 * is wrong in terms of the learnware (its file, its specification), for the people who uploaded it.
 */
public class ModelException extends Exception {

  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
