package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** {@code GET /me}: who the token belongs to. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Me(String username, List<String> roles) {

  public Me {
    roles = roles == null ? List.of() : List.copyOf(roles);
  }
}
