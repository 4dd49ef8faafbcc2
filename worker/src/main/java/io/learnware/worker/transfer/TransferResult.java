package io.learnware.worker.transfer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * A finished transfer.
 *
 * @param artifact the transferred model: backbone and head in one DJL parameter file (format {@code
 *     djl})
 * @param architecture its {@code model.architecture}, from which {@link TransferredModel#load}
 *     rebuilds it
 */
public record TransferResult(Path artifact, ObjectNode architecture, TransferReport report) {}
