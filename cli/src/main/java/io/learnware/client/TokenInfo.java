package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * An API token (or a worker token) as the market lists it.
 *
 * @param prefix the token's first characters, to recognise it
 * @param token the secret itself: only in the answer that created it, null in listings
 * @param createdAt ISO-8601 instants, as the market wrote them; {@code lastUsedAt} null if never
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TokenInfo(
    String id, String name, String prefix, String createdAt, String lastUsedAt, String token) {}
