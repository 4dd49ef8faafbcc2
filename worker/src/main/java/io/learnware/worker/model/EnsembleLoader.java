package io.learnware.worker.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.client.Sha256;
import io.learnware.spec.ModelFormat;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.reuse.EnsembleManifest;
import io.learnware.spec.reuse.PublishedEnsemble;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Loads published ensembles ({@code ensemble}): the artifact is an {@code ensemble.json} ({@link
 * EnsembleManifest}) pinning other learnware versions, and the source carries those versions as
 * {@link ModelSource#members()}, downloaded. Before anything runs, the manifest must agree with the
 * ensemble's specification (input size, output dimension, task) and every member given must be the
 * one pinned, in the pinned order: its {@code owner/name@version}, and its model file's SHA-256. No
 * member may be an ensemble itself. Each member is then loaded through {@link ModelRuntime} on its
 * own device, and {@link PublishedEnsemble} combines their outputs, as every loader of the market
 * does.
 */
public final class EnsembleLoader implements ModelLoader {

  @Override
  public ModelFormat format() {
    return ModelFormat.ENSEMBLE;
  }

  @Override
  public Set<String> architectures() {
    return Set.of();
  }

  @Override
  public RunnableModel load(ModelSource source) throws ModelException {
    if (source.featureExtractor() != null) {
      throw new ModelException(
          "a published ensemble declares no model.featureExtractor: its members keep their own");
    }
    EnsembleManifest manifest = manifest(source.artifact());
    checkAgainstSpec(manifest, source);
    checkMembers(manifest, source.members());
    List<RunnableModel> loaded = new ArrayList<>();
    try {
      for (ModelSource member : source.members()) {
        loaded.add(loadMember(member));
      }
      return new LoadedEnsemble(new PublishedEnsemble(manifest), source.inputShape(), loaded);
    } catch (ModelException | RuntimeException e) {
      loaded.forEach(RunnableModel::close);
      throw e;
    }
  }

  /** Reads and validates {@code ensemble.json}. */
  static EnsembleManifest manifest(Path artifact) throws ModelException {
    JsonNode document;
    try {
      document = SpecDocuments.mapper().readTree(artifact.toFile());
    } catch (IOException e) {
      throw new ModelException(
          "the model file is not an ensemble manifest (%s, JSON)"
              .formatted(EnsembleManifest.FILE_NAME),
          e);
    }
    try {
      return EnsembleManifest.parse(document, Validator.INSTANCE);
    } catch (IllegalArgumentException e) {
      throw new ModelException("the ensemble manifest is " + e.getMessage(), e);
    }
  }

  private static void checkAgainstSpec(EnsembleManifest manifest, ModelSource source)
      throws ModelException {
    if (manifest.inputSize() != source.inputShape().size()) {
      throw new ModelException(
          "the ensemble manifest combines members of %d inputs; the specification's input %s has %d"
              .formatted(
                  manifest.inputSize(),
                  source.inputShape().describeBatch(),
                  source.inputShape().size()));
    }
    if (manifest.outputDimension() != source.requireOutputDimension()) {
      throw new ModelException(
          "the ensemble manifest combines members of %d outputs; the specification's"
                  .formatted(manifest.outputDimension())
              + " output.dimension is %d".formatted(source.requireOutputDimension()));
    }
    if (manifest.task() != source.task()) {
      throw new ModelException(
          "the ensemble manifest combines %s members; the specification's task is %s"
              .formatted(
                  manifest.task().jsonName(),
                  source.task() == null ? "(none)" : source.task().jsonName()));
    }
  }

  /** The members given must be those pinned, in order, each what the manifest says. */
  private static void checkMembers(EnsembleManifest manifest, List<ModelSource> given)
      throws ModelException {
    List<EnsembleManifest.Member> pinned = manifest.members();
    if (given.size() != pinned.size()) {
      throw new ModelException(
          "the ensemble pins %d members (%s); the worker was given %d"
              .formatted(
                  pinned.size(),
                  pinned.stream()
                      .map(EnsembleManifest.Member::ref)
                      .collect(Collectors.joining(", ")),
                  given.size()));
    }
    for (int i = 0; i < pinned.size(); i++) {
      EnsembleManifest.Member pin = pinned.get(i);
      ModelSource member = given.get(i);
      if (!pin.ref().equals(member.learnware())) {
        throw new ModelException(
            "member %d of the ensemble is %s; %s was given in its place"
                .formatted(i + 1, pin.ref(), member.learnware()));
      }
      if (member.format() == ModelFormat.ENSEMBLE) {
        throw new ModelException(
            "member %s is itself an ensemble; a published ensemble pins models, not ensembles"
                .formatted(pin.ref()));
      }
      if (!Files.isRegularFile(member.artifact())) {
        throw new ModelException(
            "the model file of member %s does not exist (%s)"
                .formatted(pin.ref(), member.artifact()));
      }
      String sha256 = sha256(member.artifact());
      if (!sha256.equals(pin.sha256())) {
        throw new ModelException(
            "the model file of member %s has SHA-256 %s; the ensemble pins %s"
                .formatted(pin.ref(), sha256, pin.sha256()));
      }
      if (member.inputShape().size() != manifest.inputSize()) {
        throw new ModelException(
            "member %s takes %d inputs; the ensemble combines members of %d"
                .formatted(pin.ref(), member.inputShape().size(), manifest.inputSize()));
      }
      if (member.outputDimension().isPresent()
          && member.outputDimension().getAsInt() != manifest.outputDimension()) {
        throw new ModelException(
            "member %s has %d outputs; the ensemble combines members of %d"
                .formatted(
                    pin.ref(), member.outputDimension().getAsInt(), manifest.outputDimension()));
      }
      if (member.task() != null && member.task() != manifest.task()) {
        throw new ModelException(
            "member %s is a %s learnware; the ensemble combines %s members"
                .formatted(pin.ref(), member.task().jsonName(), manifest.task().jsonName()));
      }
    }
  }

  private static RunnableModel loadMember(ModelSource member) throws ModelException {
    try {
      return ModelRuntime.load(member);
    } catch (ModelException e) {
      String summary = "member %s does not load: %s".formatted(member.learnware(), e.summary());
      throw e.modelText().isPresent()
          ? new ModelException(summary, e.modelText().get(), e)
          : new ModelException(summary, e);
    }
  }

  /**
   * The file's SHA-256, lower-case hex, as the market pins artifacts.
   *
   * @throws ModelException when it cannot be read
   */
  public static String sha256(Path file) throws ModelException {
    try {
      return Sha256.of(file);
    } catch (IOException e) {
      throw new ModelException("cannot read %s: %s".formatted(file, e.getMessage()), e);
    }
  }

  /** Loading the schemas takes a moment; one validator serves every load. */
  private static final class Validator {
    static final SpecValidator INSTANCE = new SpecValidator();
  }
}
