package io.learnware.market.account;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.learnware.spec.SafeText;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Request and response bodies of the account endpoints. */
public final class AccountModels {

  /** Usernames and learnware names share this shape (the contract's identity rule). */
  public static final String NAME_PATTERN = "^[a-z0-9][a-z0-9-]{1,62}$";

  private AccountModels() {}

  /** The caller, as {@code GET /me} shows it. */
  public record Me(String username, List<String> roles) {}

  public record NewUser(
      @NotNull(message = "is required")
          @Pattern(regexp = NAME_PATTERN, message = "must match " + NAME_PATTERN)
          String username) {}

  /** A created user with its first token; the token is shown this once. */
  public record CreatedUser(String username, String token) {}

  /** A worker token; {@code token} is set only in the answer that created it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record WorkerTokenView(
      UUID id, String name, String prefix, Instant createdAt, Instant lastUsedAt, String token) {}

  public record NewWorkerToken(
      @NotNull(message = "is required")
          @Pattern(regexp = NAME_PATTERN, message = "must match " + NAME_PATTERN)
          String name) {}

  public record NewToken(
      @Size(max = 100, message = "must be at most 100 characters")
          @Pattern(
              regexp = "^[^" + SafeText.FORBIDDEN + "]*$",
              message = "must not contain control, bidi or invisible characters")
          String name) {}

  /** A token as listed; {@code token} is present only in the response that created it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TokenView(
      UUID id, String name, String prefix, Instant createdAt, Instant lastUsedAt, String token) {}
}
