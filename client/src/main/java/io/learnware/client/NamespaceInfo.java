package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code GET /namespaces/{name}}: a user's own namespace or an organisation.
 *
 * @param kind {@code user} or {@code organisation}
 * @param members with their roles; null when the caller may not read the namespace (the market
 *     lists members to members only)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NamespaceInfo(String name, String kind, String createdAt, List<Member> members) {

  public NamespaceInfo {
    members = members == null ? null : List.copyOf(members);
  }

  /**
   * @param role {@code read}, {@code write} or {@code admin}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Member(String username, String role) {}
}
