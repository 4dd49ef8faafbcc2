package io.learnware.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry of a namespace's audit log ({@code GET /namespaces/{name}/audit}).
 *
 * @param id orders the entries; pass it as {@code before} to page back
 * @param at ISO-8601 instant, as the market wrote it
 * @param learnware the learnware's name within the namespace; null for namespace events
 * @param action e.g. {@code version.uploaded}, {@code member.added} (docs/access.md)
 * @param detail the facts recorded with it (version, member, role…)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuditEntry(
    long id,
    String at,
    String actor,
    String namespace,
    String learnware,
    String action,
    JsonNode detail) {}
