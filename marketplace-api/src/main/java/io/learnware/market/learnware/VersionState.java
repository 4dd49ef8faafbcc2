package io.learnware.market.learnware;

/**
 * A version's life: uploaded ({@code PENDING}), then found {@code USABLE} or {@code INVALID} by
 * validation.
 */
public enum VersionState {
  PENDING,
  USABLE,
  INVALID
}
