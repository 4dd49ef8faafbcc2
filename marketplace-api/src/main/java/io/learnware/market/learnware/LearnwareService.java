package io.learnware.market.learnware;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.market.MarketConfig;
import io.learnware.market.abuse.Quotas;
import io.learnware.market.account.Access;
import io.learnware.market.account.AccountDtos;
import io.learnware.market.account.Caller;
import io.learnware.market.account.Principal;
import io.learnware.market.account.Role;
import io.learnware.market.account.Scope;
import io.learnware.market.audit.AuditLog;
import io.learnware.market.learnware.LearnwareDtos.AliasView;
import io.learnware.market.learnware.LearnwareDtos.UploadResult;
import io.learnware.market.learnware.LearnwareEvents.LearnwareChanged;
import io.learnware.market.learnware.LearnwareEvents.StatisticalSpecRecorded;
import io.learnware.market.learnware.LearnwareEvents.VersionUploaded;
import io.learnware.market.modelformat.ArtifactChecks;
import io.learnware.market.problem.MarketException;
import io.learnware.market.problem.Problem.Violation;
import io.learnware.market.storage.StagedFile;
import io.learnware.market.storage.StorageService;
import io.learnware.spec.RkmeSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.SpecValidator;
import io.learnware.spec.reuse.EnsembleManifest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

/** Writes to learnwares: uploads of versions, deletions, aliases. */
@ApplicationScoped
public class LearnwareService {

  static final Pattern NAME = Pattern.compile(AccountDtos.NAME_PATTERN);

  /** Aliases start with a letter so that they never read as version numbers. */
  static final Pattern ALIAS = Pattern.compile("^[a-z][a-z0-9-]{0,62}$");

  static final String LATEST = "latest";
  private static final Pattern FILENAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$");

  private final Caller caller;
  private final ArtifactChecks artifacts;
  private final StorageService storage;
  private final SpecValidator validator;
  private final Quotas quotas;
  private final Event<StatisticalSpecRecorded> statisticalRecorded;
  private final Event<LearnwareChanged> changed;
  private final Event<VersionUploaded> uploaded;
  private final EnsemblePins pins;
  private final Access access;
  private final AuditLog audit;
  private final MarketConfig config;

  public LearnwareService(
      Caller caller,
      ArtifactChecks artifacts,
      StorageService storage,
      SpecValidator validator,
      Quotas quotas,
      Event<StatisticalSpecRecorded> statisticalRecorded,
      Event<LearnwareChanged> changed,
      Event<VersionUploaded> uploaded,
      EnsemblePins pins,
      Access access,
      AuditLog audit,
      MarketConfig config) {
    this.caller = caller;
    this.access = access;
    this.audit = audit;
    this.config = config;
    this.pins = pins;
    this.artifacts = artifacts;
    this.storage = storage;
    this.validator = validator;
    this.quotas = quotas;
    this.statisticalRecorded = statisticalRecorded;
    this.changed = changed;
    this.uploaded = uploaded;
  }

  /**
   * Checks everything that can be checked without touching stored state (access, names, the spec,
   * the files' formats and archives), then records the version and moves the staged bytes into the
   * store in one transaction. Anything that fails leaves no learnware, version or blob behind.
   */
  public UploadResult upload(UploadCommand command) {
    access.require(command.uploader(), command.owner(), Role.WRITE, Scope.WRITE);
    requireName(command.owner(), "/owner");
    requireName(command.name(), "/name");
    requireVisibility(command.visibility(), "/visibility");
    JsonNode spec = validSpec(command.spec());
    if (command.model() == null) {
      throw new MarketException.InvalidInput("/model", "the form part 'model' is required");
    }
    requireFiles(spec, command.files());
    String format = spec.path("model").path("format").asText();
    requireSafe(format, command.model(), command.files());
    List<StagedFile> stored = new ArrayList<>(command.files());
    stored.add(command.model());
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              quotas.requireStorage(command.uploader(), command.owner(), stored);
              quotas.requireValidationSlot(command.uploader());
            });

    EnsembleManifest manifest =
        format.equals(EnsemblePins.FORMAT) ? pins.read(command.model().path()) : null;
    NewVersion draft =
        new NewVersion(
            command.uploader().username(),
            command.owner(),
            command.name(),
            command.visibility(),
            command.model(),
            command.files());
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              List<LearnwareVersion> members = List.of();
              if (manifest != null) {
                EnsemblePins.lockLearnwares(
                    EnsemblePins.lockSet(manifest, command.owner() + "/" + command.name()));
                requireReadableMembers(command.uploader(), manifest);
                members = pins.requirePinned(manifest, spec);
                requireVisibleMembers(draft, members);
              }
              LearnwareVersion version = record(draft, spec, format, VersionState.PENDING);
              addLineage(version, members, EnsemblePins.RELATION, null);
              uploaded.fire(new VersionUploaded(version.id, command.uploader().username()));
              return resultOf(version);
            });
  }

  /**
   * Records a version a job derived from another (a distilled student, a transferred model): like
   * an upload into the requester's namespace, checked the same way, with its lineage. Runs in the
   * caller's transaction, so that the job's result and the version commit together. The worker
   * measured the model while making it, so the version is {@code USABLE} at once.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public LearnwareVersion recordDerived(DerivedCommand command) {
    requireName(command.owner(), "/target");
    requireName(command.name(), "/target");
    JsonNode spec = validSpec(command.spec());
    requireFiles(spec, command.files());
    String format = spec.path("model").path("format").asText();
    if (format.equals(EnsemblePins.FORMAT)) {
      // Ensembles are recorded with their pins checked (recordPublished), never as a derivation.
      throw new MarketException.InvalidInput(
          "/spec/model/format", "a " + command.relation() + " model cannot be an ensemble");
    }
    requireSafe(format, command.model(), command.files());
    LearnwareVersion version =
        record(
            new NewVersion(
                command.requestedBy(),
                command.owner(),
                command.name(),
                command.visibility(),
                command.model(),
                command.files()),
            spec,
            format,
            VersionState.USABLE);
    addLineage(
        version,
        List.of(LearnwareVersion.findById(command.parentVersionId())),
        command.relation(),
        command.jobId());
    return version;
  }

  /**
   * Records the published ensemble a reuse job made: like an upload under the job's target, checked
   * the same way, pins included, with a lineage edge {@code combined} to each member; it is {@code
   * PENDING} until its own validation (queued here, as for an upload) has loaded it. Runs in the
   * caller's transaction, which must hold the learnware locks of {@link EnsemblePins#lockSet} taken
   * before the job's.
   *
   * @throws MarketException.EnsembleRefused when a pin does not hold; the transaction is not marked
   *     for rollback (nothing was written yet), so that the caller can fail the job instead
   */
  @Transactional(
      value = Transactional.TxType.MANDATORY,
      dontRollbackOn = MarketException.EnsembleRefused.class)
  public LearnwareVersion recordPublished(PublishedCommand command) {
    requireName(command.owner(), "/target");
    requireName(command.name(), "/target");
    JsonNode spec = validSpec(command.spec());
    requireFiles(spec, command.files());
    String format = spec.path("model").path("format").asText();
    if (!format.equals(EnsemblePins.FORMAT)) {
      throw new MarketException.InvalidInput(
          "/spec/model/format", "a published ensemble's model format is 'ensemble'");
    }
    requireSafe(format, command.model(), command.files());
    EnsembleManifest manifest = pins.read(command.model().path());
    List<String> pinned = manifest.members().stream().map(EnsembleManifest.Member::ref).toList();
    if (!pinned.equals(command.learnwares())) {
      throw new MarketException.InvalidInput(
          "/model/members",
          "the ensemble pins "
              + pinned
              + ", not the learnwares the job combined "
              + command.learnwares());
    }
    EnsemblePins.lockLearnwares(
        EnsemblePins.lockSet(manifest, command.owner() + "/" + command.name()));
    List<LearnwareVersion> members = pins.requirePinned(manifest, spec);
    NewVersion draft =
        new NewVersion(
            command.requestedBy(),
            command.owner(),
            command.name(),
            command.visibility(),
            command.model(),
            command.files());
    requireVisibleMembers(draft, members);
    LearnwareVersion version = record(draft, spec, format, VersionState.PENDING);
    addLineage(version, members, EnsemblePins.RELATION, command.jobId());
    uploaded.fire(new VersionUploaded(version.id, command.requestedBy()));
    return version;
  }

  private static void addLineage(
      LearnwareVersion version,
      List<LearnwareVersion> parents,
      String relation,
      java.util.UUID jobId) {
    for (LearnwareVersion parent : parents) {
      VersionLineage lineage = new VersionLineage();
      lineage.version = version;
      lineage.parent = parent;
      lineage.relation = relation;
      lineage.jobId = jobId;
      lineage.persist();
    }
  }

  /**
   * The verdict of a validation: the version becomes USABLE or INVALID, with its (public) log and
   * the model's own error text (owner only), both already sanitised. False when the version was
   * deleted meanwhile, and nothing was recorded.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public boolean recordValidation(long versionId, boolean usable, String log, String modelError) {
    Optional<LearnwareVersion> locked = lockedVersion(versionId);
    if (locked.isEmpty()) {
      return false; // deleted while it was validated: there is nothing to judge
    }
    LearnwareVersion version = locked.get();
    version.state = usable ? VersionState.USABLE : VersionState.INVALID;
    version.validationLog = log;
    version.modelError = modelError;
    version.learnware.refreshCurrentVersion();
    changed.fire(new LearnwareChanged(version.learnware.id));
    return true;
  }

  /**
   * A validation cancelled before its verdict: a version still waiting for one becomes INVALID
   * rather than PENDING for good (a later validate job can still make it USABLE); a version that
   * already has a verdict keeps it.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void recordCancelledValidation(long versionId, String by) {
    lockedVersion(versionId)
        .filter(version -> version.state == VersionState.PENDING)
        .ifPresent(
            version -> {
              version.state = VersionState.INVALID;
              version.validationLog =
                  "validation cancelled by "
                      + by
                      + " before its verdict; request a validate job"
                      + " to judge this version again";
              version.learnware.refreshCurrentVersion();
              changed.fire(new LearnwareChanged(version.learnware.id));
            });
  }

  /**
   * Locks the learnware a version belongs to (nothing when the version is gone), for writes that
   * must take it before other locks: the market's lock order is learnware, then job.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void lockLearnwareOf(Long versionId) {
    if (versionId != null) {
      LearnwareVersion.<LearnwareVersion>findByIdOptional(versionId)
          .ifPresent(version -> version.learnware.lockForWrite());
    }
  }

  /**
   * The version with its learnware locked for writing and both reloaded under the lock; empty when
   * the version is gone (deleted by a write that held the lock before).
   */
  private static Optional<LearnwareVersion> lockedVersion(long versionId) {
    Optional<LearnwareVersion> version = LearnwareVersion.findByIdOptional(versionId);
    if (version.isEmpty()) {
      return version;
    }
    try {
      version.get().learnware.lockForWrite();
      LearnwareVersion.getEntityManager().refresh(version.get());
      return version;
    } catch (jakarta.persistence.EntityNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Attaches a report (a job's result) to a version. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void addReport(long versionId, java.util.UUID jobId, String type, String report) {
    VersionReport row = new VersionReport();
    row.version = LearnwareVersion.findById(versionId);
    row.jobId = jobId;
    row.type = type;
    row.report = report;
    row.persist();
  }

  /**
   * Checks a spec as the start of an upload would, so that a bad one is refused before the model is
   * sent.
   */
  public void checkSpec(String spec) {
    validSpec(spec);
  }

  /** The artifacts' format and archive checks, before any worker runs the model. */
  private void requireSafe(String format, StagedFile model, List<StagedFile> files) {
    artifacts.requireSafe(
        format,
        model.path(),
        files.stream().map(f -> new ArtifactChecks.ExtraFile(f.filename(), f.path())).toList());
  }

  private static UploadResult resultOf(LearnwareVersion version) {
    return new UploadResult(
        version.learnware.owner,
        version.learnware.name,
        version.version,
        version.modelSha256,
        version.state,
        version.learnware.visibility);
  }

  /**
   * What recording a version takes, whether a user uploaded it or a job made it.
   *
   * @param actor the user who uploaded it or requested the job: its {@code created_by} and the
   *     audit entry's actor
   * @param visibility of the learnware if this creates it; null for the market's default
   */
  private record NewVersion(
      String actor,
      String owner,
      String name,
      String visibility,
      StagedFile model,
      List<StagedFile> files) {}

  /**
   * Records a checked version under its learnware (locked, or created with its visibility), with
   * its blobs acquired from staging, and the audit entry; a {@code USABLE} one is audited as
   * derived, a {@code PENDING} one as uploaded.
   */
  private LearnwareVersion record(
      NewVersion draft, JsonNode spec, String format, VersionState state) {
    String modelSha = draft.model().sha256();
    String visibility =
        draft.visibility() == null ? config.defaultVisibility().jsonName() : draft.visibility();
    Learnware learnware = Learnware.lockOrCreate(draft.owner(), draft.name(), visibility);
    if (draft.visibility() != null && !learnware.visibility.equals(draft.visibility())) {
      throw new MarketException.Conflict(
          learnware.key()
              + " is "
              + learnware.visibility
              + "; its admins change that with PUT /api/v1/learnwares/"
              + learnware.key()
              + "/visibility, not with an upload.");
    }
    learnware.lastVersion++;
    // Blob rows first: the version's rows reference them.
    storage.acquire(draft.model());
    for (StagedFile staged : draft.files()) {
      storage.acquire(staged);
    }

    LearnwareVersion version = new LearnwareVersion();
    version.learnware = learnware;
    version.version = learnware.lastVersion;
    version.state = state;
    version.spec = spec.toString();
    version.specVersion = spec.path("specVersion").asInt();
    version.title = spec.path("name").asText();
    version.description = spec.path("description").asText();
    version.dataType = spec.path("dataType").asText();
    version.task = spec.path("task").asText();
    version.license = spec.path("license").asText();
    version.tags =
        StreamSupport.stream(spec.path("tags").spliterator(), false)
            .map(JsonNode::asText)
            .toArray(String[]::new);
    JsonNode input = spec.path("input");
    version.inputDimension = optionalInt(input, "dimension");
    version.inputChannels = optionalInt(input, "channels");
    version.inputHeight = optionalInt(input, "height");
    version.inputWidth = optionalInt(input, "width");
    version.outputDimension = optionalInt(spec.path("output"), "dimension");
    version.modelFormat = format;
    version.modelSha256 = modelSha;
    version.modelSize = draft.model().size();
    version.createdBy = draft.actor();
    for (StagedFile staged : draft.files()) {
      VersionFile file = new VersionFile();
      file.version = version;
      file.filename = staged.filename();
      file.sha256 = staged.sha256();
      file.size = staged.size();
      version.files.add(file);
    }
    version.persist();
    learnware.refreshCurrentVersion();
    RkmeSpec statistical = SpecDocuments.parse(spec).statistical();
    if (statistical != null) {
      statisticalRecorded.fire(new StatisticalSpecRecorded(version.id, statistical));
    }
    changed.fire(new LearnwareChanged(learnware.id));
    audit.record(
        draft.actor(),
        learnware.owner,
        learnware.name,
        state == VersionState.USABLE
            ? AuditLog.Action.VERSION_DERIVED
            : AuditLog.Action.VERSION_UPLOADED,
        Map.of("version", version.version, "sha256", modelSha, "format", format));
    return version;
  }

  /**
   * Deletes one version. Refused while an alias points at it, so that no alias silently dangles,
   * and while a published ensemble pins it (the lock on its learnware, held from before the check,
   * keeps a new ensemble from pinning it meanwhile: see {@link EnsemblePins}).
   */
  @Transactional
  public void deleteVersion(String owner, String name, String ref) {
    Learnware visible = VersionRefs.visible(caller, owner, name);
    caller.require(owner, Role.WRITE, Scope.WRITE);
    LearnwareVersion version =
        lockedVersion(VersionRefs.resolve(visible, ref).id)
            .orElseThrow(
                () -> new MarketException.NotFound(owner + "/" + name + " has no version " + ref));
    List<Alias> aliases = Alias.listByVersion(version);
    if (!aliases.isEmpty()) {
      throw new MarketException.Conflict(
          "Version "
              + version.version
              + " is the target of alias '"
              + aliases.getFirst().name
              + "'; point the alias elsewhere first.");
    }
    requireUnpinned(List.of(version), List.of());
    Learnware learnware = version.learnware;
    audit.record(
        caller.username(),
        owner,
        name,
        AuditLog.Action.VERSION_DELETED,
        Map.of("version", version.version, "sha256", version.modelSha256));
    List<String> blobs = remove(version);
    // The rows that reference the blobs go first: the last release deletes a blob's row.
    learnware.refreshCurrentVersion();
    blobs.forEach(storage::release);
    changed.fire(new LearnwareChanged(learnware.id));
  }

  /**
   * Deletes a learnware: every version, its aliases and its name (a learnware created later under
   * the name starts again at version 1). Refused while a published ensemble of another learnware
   * pins one of its versions.
   */
  @Transactional
  public void deleteLearnware(String owner, String name) {
    Learnware learnware = VersionRefs.visible(caller, owner, name);
    caller.require(owner, Role.ADMIN, Scope.ADMIN);
    learnware.lockForWrite();
    List<LearnwareVersion> versions = LearnwareVersion.listByLearnware(learnware);
    requireUnpinned(versions, versions);
    audit.record(
        caller.username(),
        owner,
        name,
        AuditLog.Action.LEARNWARE_DELETED,
        Map.of("versions", versions.stream().map(v -> v.version).toList()));
    Alias.delete("learnware", learnware);
    learnware.currentVersion = null;
    List<String> blobs = new ArrayList<>();
    for (LearnwareVersion version : versions) {
      blobs.addAll(remove(version));
    }
    long id = learnware.id;
    learnware.delete();
    Learnware.getEntityManager().flush();
    blobs.forEach(storage::release);
    changed.fire(new LearnwareChanged(id));
  }

  /**
   * 409 naming the published ensembles (other than {@code except}) that pin any of {@code
   * versions}.
   */
  private void requireUnpinned(List<LearnwareVersion> versions, List<LearnwareVersion> except) {
    List<String> ensembles =
        EnsemblePins.pinningVersions(versions, except).stream()
            .map(this::refFor)
            .distinct()
            .sorted()
            .toList();
    if (!ensembles.isEmpty()) {
      throw new MarketException.Conflict(
          (versions.size() == 1
                  ? versions.getFirst().learnware.key() + "@" + versions.getFirst().version + " is"
                  : versions.getFirst().learnware.key() + " has versions")
              + " pinned by the published ensemble"
              + (ensembles.size() == 1 ? " " : "s ")
              + String.join(", ", ensembles)
              + "; delete "
              + (ensembles.size() == 1 ? "it" : "them")
              + " first.");
    }
  }

  /** Deletes a version's rows; returns the blobs to release once they are gone. */
  private static List<String> remove(LearnwareVersion version) {
    List<String> blobs = new ArrayList<>();
    blobs.add(version.modelSha256);
    version.files.forEach(file -> blobs.add(file.sha256));
    if (version.learnware.currentVersion == version) {
      version.learnware.currentVersion = null;
    }
    version.delete();
    return blobs;
  }

  @Transactional
  public AliasView setAlias(String owner, String name, String alias, int versionNumber) {
    Learnware learnware = VersionRefs.visible(caller, owner, name);
    caller.require(owner, Role.WRITE, Scope.WRITE);
    if (LATEST.equals(alias)) {
      throw new MarketException.InvalidInput(
          "/alias", "'latest' is maintained by the market and cannot be set");
    }
    if (!ALIAS.matcher(alias).matches()) {
      throw new MarketException.InvalidInput("/alias", "must match " + ALIAS.pattern());
    }
    learnware.lockForWrite();
    LearnwareVersion version =
        LearnwareVersion.findByNumber(learnware, versionNumber)
            .orElseThrow(
                () ->
                    new MarketException.InvalidInput(
                        "/version", learnware.key() + " has no version " + versionNumber));
    Alias row =
        Alias.findByName(learnware, alias)
            .orElseGet(
                () -> {
                  Alias created = new Alias();
                  created.learnware = learnware;
                  created.name = alias;
                  return created;
                });
    Integer before = row.version == null ? null : row.version.version;
    row.version = version;
    row.persist();
    Map<String, Object> detail = new java.util.LinkedHashMap<>();
    detail.put("alias", alias);
    detail.put("version", version.version);
    if (before != null) {
      detail.put("from", before);
    }
    audit.record(caller.username(), owner, name, AuditLog.Action.ALIAS_SET, detail);
    return new AliasView(alias, version.version);
  }

  /**
   * Makes a learnware public or private (its namespace's admins). Refused while the change would
   * break an ensemble's rule: a public ensemble pins public learnwares only, and an ensemble pins
   * private learnwares of its own namespace only.
   */
  @Transactional
  public LearnwareDtos.VisibilityView setVisibility(String owner, String name, String visibility) {
    Learnware learnware = VersionRefs.visible(caller, owner, name);
    caller.require(owner, Role.ADMIN, Scope.ADMIN);
    requireVisibility(visibility, "/visibility");
    if (visibility == null) {
      throw new MarketException.InvalidInput("/visibility", "is required: public or private");
    }
    learnware.lockForWrite();
    String before = learnware.visibility;
    if (!before.equals(visibility)) {
      List<LearnwareVersion> versions = LearnwareVersion.listByLearnware(learnware);
      if (visibility.equals(Learnware.PRIVATE)) {
        List<String> blocking =
            EnsemblePins.pinningVersions(versions, versions).stream()
                .filter(e -> !e.learnware.isPrivate() || !e.learnware.owner.equals(owner))
                .map(this::refFor)
                .distinct()
                .sorted()
                .toList();
        if (!blocking.isEmpty()) {
          throw new MarketException.Conflict(
              learnware.key()
                  + " cannot become private: it is pinned by "
                  + String.join(", ", blocking)
                  + ", and an ensemble pins only public learnwares or private ones of its own"
                  + " namespace.");
        }
      } else {
        List<String> privateMembers =
            versions.stream()
                .flatMap(v -> VersionLineage.listParents(v).stream())
                .filter(edge -> EnsemblePins.RELATION.equals(edge.relation))
                .map(edge -> edge.parent.learnware)
                .filter(Learnware::isPrivate)
                .map(Learnware::key)
                .distinct()
                .sorted()
                .toList();
        if (!privateMembers.isEmpty()) {
          throw new MarketException.Conflict(
              learnware.key()
                  + " cannot become public: it pins the private "
                  + String.join(", ", privateMembers)
                  + "; a public ensemble pins public learnwares only.");
        }
      }
      learnware.visibility = visibility;
      audit.record(
          caller.username(),
          owner,
          name,
          AuditLog.Action.VISIBILITY_CHANGED,
          Map.of("from", before, "to", visibility));
      changed.fire(new LearnwareChanged(learnware.id));
    }
    return new LearnwareDtos.VisibilityView(learnware.key(), learnware.visibility);
  }

  /** A version's reference as the caller may see it: private ones of others stay unnamed. */
  private String refFor(LearnwareVersion version) {
    Learnware learnware = version.learnware;
    return caller.canRead(learnware.owner, learnware.isPrivate())
        ? learnware.key() + "@" + version.version
        : "a private learnware";
  }

  private static void requireVisibility(String visibility, String pointer) {
    if (visibility != null
        && !visibility.equals(Learnware.PUBLIC)
        && !visibility.equals(Learnware.PRIVATE)) {
      throw new MarketException.InvalidInput(pointer, "must be public or private");
    }
  }

  /**
   * 404 for a pinned learnware the uploader may not read, exactly as if it did not exist: an
   * ensemble must not tell strangers that a private learnware is there.
   */
  private void requireReadableMembers(Principal uploader, EnsembleManifest manifest) {
    for (EnsembleManifest.Member member : manifest.members()) {
      int slash = member.learnware().indexOf('/');
      String owner = member.learnware().substring(0, slash);
      Learnware.findByKey(owner, member.learnware().substring(slash + 1))
          .ifPresent(
              found ->
                  access.requireRead(
                      uploader,
                      owner,
                      found.isPrivate(),
                      () -> new MarketException.NotFound("No learnware " + found.key() + ".")));
    }
  }

  /**
   * An ensemble pins public learnwares, or private ones of its own namespace if it is private
   * itself: whoever may read the ensemble may read every member.
   */
  private void requireVisibleMembers(NewVersion ensemble, List<LearnwareVersion> members) {
    // Checked before anything is recorded; the ensemble's learnware is locked (lockSet).
    String visibility =
        Learnware.findByKey(ensemble.owner(), ensemble.name())
            .map(existing -> existing.visibility)
            .orElse(
                ensemble.visibility() == null
                    ? config.defaultVisibility().jsonName()
                    : ensemble.visibility());
    for (LearnwareVersion member : members) {
      Learnware learnware = member.learnware;
      if (learnware.isPrivate()
          && (visibility.equals(Learnware.PUBLIC) || !learnware.owner.equals(ensemble.owner()))) {
        String detail =
            "The ensemble "
                + ensemble.owner()
                + "/"
                + ensemble.name()
                + " ("
                + visibility
                + ") cannot pin the private "
                + learnware.key()
                + ": an ensemble pins public learnwares, or private ones of its own namespace"
                + " when it is private itself.";
        throw new MarketException.EnsembleRefused(
            409, detail, List.of(new Violation("/model/members", detail)));
      }
    }
  }

  private static Integer optionalInt(JsonNode parent, String member) {
    JsonNode value = parent.get(member);
    return value != null && value.canConvertToInt() ? value.intValue() : null;
  }

  private static void requireName(String value, String pointer) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new MarketException.InvalidInput(pointer, "must match " + NAME.pattern());
    }
  }

  /**
   * Parses and validates the spec; violations point into the form, so spec members appear under
   * /spec.
   */
  private JsonNode validSpec(String text) {
    if (text == null || text.isBlank()) {
      throw new MarketException.InvalidInput("/spec", "the form part 'spec' is required");
    }
    JsonNode spec;
    try {
      // NaN and infinities (Python's json writes them) parse, for validation to name by pointer.
      spec = SpecDocuments.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MarketException.InvalidInput(
          "/spec", "the spec is not valid JSON: " + e.getOriginalMessage());
    }
    List<Violation> violations =
        validator.validate(spec).stream()
            .map(v -> new Violation("/spec" + v.pointer(), v.message()))
            .toList();
    if (!violations.isEmpty()) {
      throw new MarketException.InvalidInput(
          "The specification has " + violations.size() + " problem(s).", violations);
    }
    return SpecDocuments.normalize(spec);
  }

  private static void requireFiles(JsonNode spec, List<StagedFile> files) {
    List<Violation> violations = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < files.size(); i++) {
      String filename = files.get(i).filename();
      if (filename == null || !FILENAME.matcher(filename).matches()) {
        violations.add(
            new Violation("/file/" + i, "each 'file' part needs a plain file name (no paths)"));
      } else if (!names.add(filename)) {
        violations.add(new Violation("/file/" + i, "the file name '" + filename + "' repeats"));
      }
    }
    JsonNode extractor = spec.path("model").path("featureExtractor").path("file");
    if (extractor.isTextual() && !names.contains(extractor.asText())) {
      violations.add(
          new Violation(
              "/spec/model/featureExtractor/file",
              "names '" + extractor.asText() + "' but no 'file' part has that file name"));
    }
    if (!violations.isEmpty()) {
      throw new MarketException.InvalidInput("The uploaded files are inconsistent.", violations);
    }
  }
}
