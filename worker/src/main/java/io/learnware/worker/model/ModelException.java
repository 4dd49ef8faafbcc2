package io.learnware.worker.model;

import java.util.Optional;

/**
 * A model artifact cannot be loaded, or does not run on its declared input. The message says what
 * is wrong in terms of the learnware (its file, its specification), for the people who uploaded it.
 * What the engine or the model itself said is kept apart ({@link #modelText()}): it is untrusted (a
 * model can throw any text, e.g. a file it read), so validation does not publish it.
 */
public class ModelException extends Exception {

  private final String summary;
  private final String modelText;

  public ModelException(String message) {
    super(message);
    this.summary = message;
    this.modelText = null;
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
    this.summary = message;
    this.modelText = null;
  }

  /**
   * @param summary what failed, in the market's words
   * @param modelText the engine's or model's own error text; {@link #getMessage()} appends it
   */
  public ModelException(String summary, String modelText, Throwable cause) {
    super(summary + ": " + modelText, cause);
    this.summary = summary;
    this.modelText = modelText;
  }

  /** What failed, in the market's words, without the model's text. */
  public String summary() {
    return summary;
  }

  /** The engine's or model's own error text, when there is one. */
  public Optional<String> modelText() {
    return Optional.ofNullable(modelText);
  }
}
