package io.learnware.market.learnware;

import io.learnware.market.storage.StagedFile;
import java.util.List;
import java.util.UUID;

/**
 * A published ensemble a reuse job made: its spec and {@code ensemble.json}, for the job's target.
 *
 * @param learnwares the versions the job combined, {@code owner/name@N}, source first: the ensemble
 *     must pin exactly these, in this order
 */
public record PublishedCommand(
    String requestedBy,
    String owner,
    String name,
    String spec,
    StagedFile model,
    List<StagedFile> files,
    List<String> learnwares,
    UUID jobId,
    String visibility) {}
