package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The market's answer to an upload.
 *
 * @param sha256 of the model bytes
 * @param state {@code PENDING} until the market has checked the version
 * @param visibility {@code public} or {@code private}; absent from markets before scoped access
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UploadResult(
    String owner, String name, int version, String sha256, String state, String visibility) {

  /** The new version's reference, {@code owner/name@version}. */
  public LearnwareRef ref() {
    return new LearnwareRef(owner, name, Integer.toString(version));
  }
}
