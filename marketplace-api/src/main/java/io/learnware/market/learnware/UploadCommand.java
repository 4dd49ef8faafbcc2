package io.learnware.market.learnware;

import io.learnware.market.account.Principal;
import io.learnware.market.storage.StagedFile;
import java.util.List;

/**
 * An upload as received: who sends it, the spec text and the parts already staged on local disk
 * (and hashed) by the HTTP layer.
 *
 * @param model null when the request had no {@code model} part
 * @param visibility for a new learnware, {@code public} or {@code private}; null for the market's
 *     default. An existing learnware keeps its own (a different one is refused).
 */
public record UploadCommand(
    Principal uploader,
    String owner,
    String name,
    String spec,
    StagedFile model,
    List<StagedFile> files,
    String visibility) {}
