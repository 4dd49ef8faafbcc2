package io.learnware.market.abuse;

import io.learnware.market.account.ApiToken;
import io.learnware.market.account.Principal;
import io.learnware.market.job.Job;
import io.learnware.market.problem.MarketException;
import io.learnware.market.storage.StagedFile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-user quotas on stored bytes, queued jobs, uploads waiting for validation and API tokens,
 * checked before a write commits; admins are exempt. Two writes of one user racing each other may
 * both pass, so a user can end up one upload past the storage quota.
 */
@ApplicationScoped
public class Quotas {

  /**
   * The blobs a user's learnware versions (models and extra files) and data sets reference, each
   * once however many of them share it.
   */
  private static final String USER_BLOBS =
      """
      SELECT b.sha256, b.size FROM blob b WHERE b.sha256 IN (
          SELECT v.model_sha256 FROM learnware_version v
              JOIN learnware l ON l.id = v.learnware_id WHERE l.owner = :owner
          UNION SELECT f.sha256 FROM version_file f
              JOIN learnware_version v ON v.id = f.version_id
              JOIN learnware l ON l.id = v.learnware_id WHERE l.owner = :owner
          UNION SELECT d.data_sha256 FROM dataset d WHERE d.owner = :owner
          UNION SELECT d.labels_sha256 FROM dataset d WHERE d.owner = :owner)
      """;

  private final EntityManager em;
  private final LimitsConfig.Quota quota;

  public Quotas(EntityManager em, LimitsConfig config) {
    this.em = em;
    this.quota = config.quota();
  }

  /**
   * 403 when storing {@code files} under {@code owner} would take the owner past the storage quota.
   * Bytes the owner already stores (identical files) add nothing.
   */
  public void requireStorage(Principal writer, String owner, List<StagedFile> files) {
    if (writer.admin()) {
      return;
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(USER_BLOBS).setParameter("owner", owner).getResultList();
    Map<String, Long> held = new HashMap<>();
    for (Object[] row : rows) {
      held.put(((String) row[0]).trim(), ((Number) row[1]).longValue());
    }
    long used = held.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Long> added = new HashMap<>();
    for (StagedFile file : files) {
      if (file != null && !held.containsKey(file.sha256())) {
        added.put(file.sha256(), file.size());
      }
    }
    long needed = added.values().stream().mapToLong(Long::longValue).sum();
    long limit = quota.storage().asLongValue();
    if (needed > 0 && used + needed > limit) {
      throw new MarketException.QuotaExceeded(
          "storage quota of '%s': %s allowed, %s used, this upload needs %s."
              .formatted(owner, bytes(limit), bytes(used), bytes(needed)));
    }
  }

  /** 403 when {@code requester} already has as many queued jobs as the quota allows. */
  public void requireQueueSlot(Principal requester) {
    if (requester.admin()) {
      return;
    }
    long queued = Job.countQueuedRequests(requester.username());
    if (queued >= quota.queuedJobs()) {
      throw new MarketException.QuotaExceeded(
          "queued jobs quota: %d allowed, %d queued; wait for one to start or cancel one."
              .formatted(quota.queuedJobs(), queued));
    }
  }

  /** 403 when {@code uploader}'s uploads already waiting for validation reach the quota. */
  public void requireValidationSlot(Principal uploader) {
    if (uploader.admin()) {
      return;
    }
    long pending = Job.countPendingValidations(uploader.username());
    if (pending >= quota.pendingValidations()) {
      throw new MarketException.QuotaExceeded(
          ("pending validations quota: %d uploads allowed to wait for validation, %d waiting;"
                  + " upload again once they are validated.")
              .formatted(quota.pendingValidations(), pending));
    }
  }

  /** 403 when {@code owner} already holds as many unexpired API tokens as the quota allows. */
  public void requireTokenSlot(Principal owner) {
    if (owner.admin()) {
      return;
    }
    long held = ApiToken.countActive(owner.username());
    if (held >= quota.tokens()) {
      throw new MarketException.QuotaExceeded(
          "tokens quota: %d allowed, %d held; revoke one you no longer use."
              .formatted(quota.tokens(), held));
    }
  }

  /** Binary units with one decimal: {@code 9.8 GiB}, {@code 300.0 MiB}, {@code 512 B}. */
  static String bytes(long count) {
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (count < 1024) {
      return count + " B";
    }
    double value = count;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
