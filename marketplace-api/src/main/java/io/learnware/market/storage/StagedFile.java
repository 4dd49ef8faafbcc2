package io.learnware.market.storage;

import java.nio.file.Path;

/**
 * A received file (a form part) written to the staging directory, with the SHA-256 of its bytes:
 * what the blob store moves in when a write commits.
 *
 * @param filename the file name the client gave the part
 */
public record StagedFile(String filename, Path path, long size, String sha256) {}
