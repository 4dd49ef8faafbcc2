package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A user an admin created, with its first API token (shown this once). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CreatedUser(String username, String token) {}
