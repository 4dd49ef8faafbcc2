package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code GET /me}: who the token belongs to, where they are a member, and what the token may do.
 *
 * @param roles site roles: {@code user}, and {@code admin} for site admins
 * @param namespaces the namespaces the user belongs to, with the role in each
 * @param scopes the token's scopes
 * @param tokenNamespaces the only namespaces the token acts in; null for all
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Me(
    String username,
    List<String> roles,
    List<Membership> namespaces,
    List<String> scopes,
    List<String> tokenNamespaces) {

  public Me {
    roles = roles == null ? List.of() : List.copyOf(roles);
    namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    tokenNamespaces = tokenNamespaces == null ? null : List.copyOf(tokenNamespaces);
  }

  /**
   * @param kind {@code user} (the user's own) or {@code organisation}
   * @param role {@code read}, {@code write} or {@code admin}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Membership(String namespace, String kind, String role) {}
}
