package io.learnware.market.learnware;

import io.learnware.market.storage.StagedFile;
import java.util.List;
import java.util.UUID;

/**
 * A version a job made from another.
 *
 * @param relation how it was derived from its parent, e.g. {@code distilled}
 * @param visibility of the target learnware if the job creates it; null for the default
 */
public record DerivedCommand(
    String requestedBy,
    String owner,
    String name,
    String spec,
    StagedFile model,
    List<StagedFile> files,
    long parentVersionId,
    String relation,
    UUID jobId,
    String visibility) {}
