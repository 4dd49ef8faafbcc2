package io.learnware.market.account;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.learnware.spec.SafeText;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Data transfer objects: the request and response bodies of the account endpoints. */
public final class AccountDtos {

  /** Usernames and learnware names share this shape (the contract's identity rule). */
  public static final String NAME_PATTERN = "^[a-z0-9][a-z0-9-]{1,62}$";

  private AccountDtos() {}

  /**
   * The caller, as {@code GET /me} shows it: site roles, the namespaces it belongs to, and what the
   * token presented may do.
   *
   * @param tokenNamespaces the only namespaces the token acts in; null for all
   */
  public record Me(
      String username,
      List<String> roles,
      List<Membership> namespaces,
      List<String> scopes,
      List<String> tokenNamespaces) {}

  /** A namespace the caller belongs to, with its role there. */
  public record Membership(String namespace, String kind, String role) {}

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

  /**
   * @param scopes read, write, jobs, admin; default: those of the token creating it
   * @param namespaces the only namespaces the new token acts in; default: those of the token
   *     creating it (all, for an unrestricted one)
   * @param expiresAt when the token stops working; default never
   */
  public record NewToken(
      @Size(max = 100, message = "must be at most 100 characters")
          @Pattern(
              regexp = "^[^" + SafeText.FORBIDDEN + "]*$",
              message = "must not contain control, bidi or invisible characters")
          String name,
      List<@NotNull(message = "must not be null") String> scopes,
      List<
              @NotNull(message = "must not be null")
              @Pattern(regexp = NAME_PATTERN, message = "must match " + NAME_PATTERN) String>
          namespaces,
      Instant expiresAt) {}

  /**
   * A token as listed; {@code token} (the secret) is present only in the response that created it.
   *
   * @param namespaces null when the token acts in every namespace its user belongs to
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TokenView(
      UUID id,
      String name,
      String prefix,
      List<String> scopes,
      List<String> namespaces,
      Instant createdAt,
      Instant lastUsedAt,
      Instant expiresAt,
      String token) {}

  /** A new organisation; its creator becomes its first admin. */
  public record NewOrganisation(
      @NotNull(message = "is required")
          @Pattern(regexp = NAME_PATTERN, message = "must match " + NAME_PATTERN)
          String name) {}

  /** A namespace: a user's own or an organisation's. Members are listed to members only. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NamespaceView(
      String name, String kind, Instant createdAt, List<MemberView> members) {}

  public record MemberView(String username, String role) {}

  /** Adds a member or changes a member's role. */
  public record MemberRequest(
      @NotNull(message = "is required (read, write or admin)") String role) {}

  /** One entry of a namespace's audit log. */
  public record AuditView(
      long id,
      Instant at,
      String actor,
      String namespace,
      String learnware,
      String action,
      com.fasterxml.jackson.databind.JsonNode detail) {}
}
