package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code POST /tokens}: a new API token of the caller. Every member may be left null: the token
 * then gets the scopes and namespaces of the token creating it, and never expires.
 *
 * @param scopes {@code read}, {@code write}, {@code jobs}, {@code admin}: a subset of the creating
 *     token's
 * @param namespaces the only namespaces the new token acts in; namespaces the user belongs to
 * @param expiresAt an ISO-8601 instant in the future, e.g. {@code 2027-01-01T00:00:00Z}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewToken(
    String name, List<String> scopes, List<String> namespaces, String expiresAt) {

  public NewToken {
    scopes = scopes == null ? null : List.copyOf(scopes);
    namespaces = namespaces == null ? null : List.copyOf(namespaces);
  }

  /** A token named {@code name} with the creating token's scopes and namespaces. */
  public static NewToken named(String name) {
    return new NewToken(name, null, null, null);
  }
}
