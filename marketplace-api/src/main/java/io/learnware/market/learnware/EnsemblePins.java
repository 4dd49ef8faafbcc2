package io.learnware.market.learnware;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.market.problem.MarketException;
import io.learnware.market.problem.Problem.Violation;
import io.learnware.market.storage.BlobStore;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.reuse.EnsembleManifest;
import io.learnware.spec.reuse.EnsembleManifest.Member;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Published ensembles' pins: what an {@code ensemble.json} pins, the checks that every pin holds
 * (shared by uploads and by the results of publishing reuse jobs), and which ensembles pin a
 * version (deleting it is refused while any does).
 *
 * <p>Races with deletions are settled by the learnware locks: a version that records an ensemble
 * locks its members' learnwares (and its own) in id order before it checks the pins, and a deletion
 * holds its learnware's lock while it looks for ensembles pinning the version. Whichever comes
 * second sees what the first committed: the ensemble is refused because its member is gone, or the
 * deletion is refused because the ensemble pins it.
 */
@ApplicationScoped
public class EnsemblePins {

  /** {@code model.format} of a published ensemble. */
  public static final String FORMAT = ModelFormat.ENSEMBLE.jsonName();

  /** The lineage relation from an ensemble to each member it pins ("combined from"). */
  public static final String RELATION = "combined";

  private final BlobStore blobs;
  private final SpecValidator validator;

  public EnsemblePins(BlobStore blobs, SpecValidator validator) {
    this.blobs = blobs;
    this.validator = validator;
  }

  /** The manifest of a staged {@code ensemble.json} that its format check accepted. */
  public EnsembleManifest read(Path file) {
    try {
      return parse(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The manifest of a stored ensemble version. */
  public EnsembleManifest of(LearnwareVersion ensemble) {
    try (InputStream in = blobs.open(ensemble.modelSha256)) {
      return parse(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private EnsembleManifest parse(byte[] bytes) throws IOException {
    return EnsembleManifest.parse(SpecDocuments.mapper().readTree(bytes), validator);
  }

  public static boolean isEnsemble(LearnwareVersion version) {
    return FORMAT.equals(version.modelFormat);
  }

  /**
   * Locks for writing, in id order, those of the learnwares {@code owner/name} that exist: the
   * members' of an ensemble about to be recorded, and its own. Call before any other lock (the
   * market's lock order is learnwares, then jobs).
   */
  public static void lockLearnwares(Collection<String> keys) {
    List<Learnware> found = new ArrayList<>();
    for (String key : new LinkedHashSet<>(keys)) {
      int slash = key.indexOf('/');
      Learnware.findByKey(key.substring(0, slash), key.substring(slash + 1)).ifPresent(found::add);
    }
    found.sort(Comparator.comparing(learnware -> learnware.id));
    found.forEach(Learnware::lockForWrite);
  }

  /** The learnwares to lock before recording {@code manifest}'s ensemble as {@code target}. */
  public static List<String> lockSet(EnsembleManifest manifest, String target) {
    List<String> keys =
        new ArrayList<>(manifest.members().stream().map(Member::learnware).toList());
    keys.add(target);
    return keys;
  }

  /**
   * The member versions, in the manifest's order, once every pin holds: each exists and is USABLE,
   * its model's SHA-256 is the pinned one, it is not an ensemble itself, and its data type, input
   * size, output dimension, task and licence are the ensemble's, as are those of {@code spec} (the
   * ensemble's own specification, normalised). Call with the learnwares of {@link #lockSet} locked.
   *
   * @throws MarketException.EnsembleRefused 409 for a missing or unusable member, 422 otherwise;
   *     violations point into the form part {@code model} (the ensemble.json) or {@code spec}
   */
  public List<LearnwareVersion> requirePinned(EnsembleManifest manifest, JsonNode spec) {
    List<Violation> state = new ArrayList<>();
    List<Violation> document = new ArrayList<>();
    String dataType = spec.path("dataType").asText();
    compare(document, "/spec/task", "task", manifest.task().jsonName(), spec.path("task").asText());
    compare(
        document,
        "/spec/input",
        "input size",
        manifest.inputSize(),
        inputSize(spec.path("input"), dataType));
    compare(
        document,
        "/spec/output/dimension",
        "output dimension",
        manifest.outputDimension(),
        spec.path("output").path("dimension").isInt()
            ? spec.path("output").path("dimension").intValue()
            : null);
    List<LearnwareVersion> members = new ArrayList<>();
    for (int i = 0; i < manifest.members().size(); i++) {
      Member member = manifest.members().get(i);
      String pointer = "/model/members/" + i;
      Optional<LearnwareVersion> found = find(member);
      if (found.isEmpty()) {
        state.add(
            new Violation(pointer, member.ref() + " does not exist (never uploaded, or deleted)"));
        continue;
      }
      LearnwareVersion version = found.get();
      members.add(version);
      if (version.state != VersionState.USABLE) {
        state.add(
            new Violation(
                pointer,
                member.ref() + " is " + version.state + "; an ensemble pins USABLE versions"));
      }
      if (!version.modelSha256.equals(member.sha256())) {
        document.add(
            new Violation(
                pointer + "/sha256",
                "%s's model has SHA-256 %s, not the pinned %s"
                    .formatted(member.ref(), version.modelSha256, member.sha256())));
      }
      if (isEnsemble(version)) {
        document.add(
            new Violation(
                pointer,
                member.ref()
                    + " is itself a published ensemble; the members of an ensemble are never"
                    + " ensembles (pin its members instead)"));
        continue;
      }
      if (!Objects.equals(version.license, spec.path("license").asText(null))) {
        document.add(
            new Violation(
                "/spec/license",
                "%s is licensed %s; an ensemble carries its members' terms, so its licence is theirs"
                    .formatted(member.ref(), version.license)));
      }
      Integer size = inputSize(version);
      if (!dataType.equals(version.dataType)
          || !Objects.equals(size, manifest.inputSize())
          || !Objects.equals(version.outputDimension, manifest.outputDimension())
          || !manifest.task().jsonName().equals(version.task)) {
        document.add(
            new Violation(
                pointer,
                "%s is a %s %s learnware of %s inputs and %s outputs; the ensemble is a %s %s one of %d inputs and %d outputs"
                    .formatted(
                        member.ref(),
                        version.dataType,
                        version.task,
                        size,
                        version.outputDimension,
                        dataType,
                        manifest.task().jsonName(),
                        manifest.inputSize(),
                        manifest.outputDimension())));
      }
    }
    if (!document.isEmpty() || !state.isEmpty()) {
      List<Violation> all = new ArrayList<>(state);
      all.addAll(document);
      throw new MarketException.EnsembleRefused(
          document.isEmpty() ? 409 : 422,
          "The ensemble cannot be published: " + all.getFirst().message() + ".",
          all);
    }
    return members;
  }

  /**
   * The ensemble versions (other than {@code except}) that pin any of {@code versions}. Versions
   * are deleted outright, so every lineage edge is a live pin.
   */
  public static List<LearnwareVersion> pinningVersions(
      Collection<LearnwareVersion> versions, Collection<LearnwareVersion> except) {
    if (versions.isEmpty()) {
      return List.of();
    }
    Set<Long> excluded = new HashSet<>();
    except.forEach(v -> excluded.add(v.id));
    return VersionLineage.<VersionLineage>list(
            "parent in ?1 and relation = ?2", List.copyOf(versions), RELATION)
        .stream()
        .map(edge -> edge.version)
        .filter(ensemble -> !excluded.contains(ensemble.id))
        .distinct()
        .toList();
  }

  /** The pinned version, if it still exists. */
  public static Optional<LearnwareVersion> find(Member member) {
    int slash = member.learnware().indexOf('/');
    return Learnware.findByKey(
            member.learnware().substring(0, slash), member.learnware().substring(slash + 1))
        .flatMap(learnware -> LearnwareVersion.findByNumber(learnware, member.version()));
  }

  /** Numbers per input row: a table's features, an image's channels × height × width. */
  public static Integer inputSize(LearnwareVersion version) {
    if (version.inputDimension != null) {
      return version.inputDimension;
    }
    if (version.inputChannels != null
        && version.inputHeight != null
        && version.inputWidth != null) {
      return version.inputChannels * version.inputHeight * version.inputWidth;
    }
    return null;
  }

  private static Integer inputSize(JsonNode input, String dataType) {
    if (dataType.equals("image")) {
      return input.path("channels").isInt()
              && input.path("height").isInt()
              && input.path("width").isInt()
          ? input.get("channels").intValue()
              * input.get("height").intValue()
              * input.get("width").intValue()
          : null;
    }
    return input.path("dimension").isInt() ? input.get("dimension").intValue() : null;
  }

  private static void compare(
      List<Violation> out, String pointer, String what, Object manifest, Object spec) {
    if (!Objects.equals(manifest, spec)) {
      out.add(
          new Violation(
              pointer,
              "the ensemble.json says %s %s, the specification %s"
                  .formatted(what, manifest, spec)));
    }
  }
}
