package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An API token (or a worker token) as the market lists it.
 *
 * @param prefix the token's first characters, to recognise it
 * @param scopes what it may do: {@code read}, {@code write}, {@code jobs}, {@code admin} (empty for
 *     worker tokens)
 * @param namespaces the only namespaces it acts in; null for every namespace of its user
 * @param createdAt ISO-8601 instants, as the market wrote them; {@code lastUsedAt} null if never,
 *     {@code expiresAt} null if it does not expire
 * @param token the secret itself: only in the answer that created it, null in listings
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenInfo(
    String id,
    String name,
    String prefix,
    List<String> scopes,
    List<String> namespaces,
    String createdAt,
    String lastUsedAt,
    String expiresAt,
    String token) {

  public TokenInfo {
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    namespaces = namespaces == null ? null : List.copyOf(namespaces);
  }
}
