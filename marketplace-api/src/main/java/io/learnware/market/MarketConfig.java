package io.learnware.market;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The market's own settings ({@code learnware.*}, or the matching {@code LEARNWARE_*} environment
 * variables).
 */
@ConfigMapping(prefix = "learnware")
public interface MarketConfig {

  String DEFAULT_DATA_DIR = "./.market-data";

  /** Directory for blobs, the embedded database, upload staging and the generated admin token. */
  @WithDefault(DEFAULT_DATA_DIR)
  Path dataDir();

  /**
   * Token of the {@code admin} user created on first start; generated (and written to the data dir)
   * if absent.
   */
  Optional<String> adminToken();

  /**
   * Token of the worker {@code bin/market} starts (worker token {@code local}); generated and
   * written to the data dir as {@code worker-token} if absent.
   */
  Optional<String> workerToken();

  /**
   * Visibility of a new learnware when its uploader does not choose one: {@code public} or {@code
   * private}.
   */
  @WithDefault("public")
  Visibility defaultVisibility();

  /** A learnware's visibility, as the configuration names it. */
  enum Visibility {
    PUBLIC,
    PRIVATE;

    public String jsonName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  Storage storage();

  Upload upload();

  /** Where artifact bytes are kept. */
  interface Storage {
    /** The {@code BlobStore} implementation, by its identifier. */
    @WithDefault("filesystem")
    String type();

    /**
     * How often stored files that no blob row refers to are deleted (also once at startup): files
     * kept while a backup ran, or left by a crash between a commit and its cleanup.
     */
    @WithDefault("1H")
    Duration orphanSweepInterval();

    /** The S3 blob store ({@code type=s3}). */
    S3 s3();
  }

  /**
   * An S3-compatible object store (AWS S3, MinIO, Ceph RGW, Cloudflare R2, ...). Credentials are
   * the two keys below when both are set, else the SDK's default chain (environment, profile, web
   * identity, instance role).
   */
  interface S3 {
    /** The service's URL; unset for AWS S3 itself (then the region decides). */
    Optional<java.net.URI> endpoint();

    /** The region requests are signed for; S3-compatible servers mostly accept any. */
    @WithDefault("us-east-1")
    String region();

    /** The bucket (must exist); required when the store is S3. */
    Optional<String> bucket();

    /** Address the bucket in the path ({@code host/bucket/key}), as MinIO and S3Proxy need. */
    @WithDefault("false")
    boolean pathStyleAccess();

    /**
     * Prefix of every key the market writes, e.g. {@code market/}; blobs go under {@code blobs/}.
     * Unset: none.
     */
    Optional<String> keyPrefix();

    /** Access key id; with the secret below it replaces the default credentials chain. */
    Optional<String> accessKeyId();

    /** Secret access key. */
    Optional<String> secretAccessKey();

    /**
     * Size of the parts an upload is sent in while it streams (S3 allows 5 MiB to 5 GiB and at most
     * 10,000 parts, so 8 MiB parts carry up to 78 GiB). Each file part in flight holds up to one
     * part in memory.
     */
    @WithDefault("8M")
    MemorySize partSize();

    /** Answer downloads with a 307 redirect to a presigned URL, so bytes bypass the API. */
    @WithDefault("false")
    boolean presignedDownloads();

    /** How long a presigned download URL stays valid. */
    @WithDefault("15M")
    Duration presignedExpiry();

    /**
     * Multipart uploads and staging objects older than this are taken for leftovers of a crash and
     * removed by the orphan sweep (at start and then every orphan-sweep-interval). Longer than the
     * slowest upload: several API instances may share the bucket.
     */
    @WithDefault("6H")
    Duration abandonedUploadAge();
  }

  /** Limits on uploads. */
  interface Upload {
    /**
     * Largest accepted upload request (model, extra files and spec together); larger ones get 413.
     */
    @WithDefault("8G")
    MemorySize maxSize();

    /** Largest accepted specification document. */
    @WithDefault("4M")
    MemorySize maxSpecSize();

    /**
     * Largest {@code ensemble.json} (the model of a published ensemble, read whole to check its
     * pins); a selector's router on wide inputs is the large part.
     */
    @WithDefault("16M")
    MemorySize maxEnsembleSize();

    /**
     * Largest request body of the other endpoints: data sets and job results (multipart, staged to
     * disk, not held in memory).
     */
    @WithDefault("1G")
    MemorySize maxDatasetSize();

    /**
     * Free disk space kept in reserve: uploads (learnware versions and data sets) are refused with
     * 507 while less than this would be left, so that a full disk never breaks the database.
     */
    @WithDefault("1G")
    MemorySize minFreeDisk();
  }

  Archive archive();

  /**
   * Limits on archives (TorchScript files, and extra files that are zips), checked from the zip's
   * central directory at upload and for job results, before any model code runs.
   */
  interface Archive {
    /**
     * Largest total uncompressed size the entries may declare. PyTorch stores tensors uncompressed,
     * so a real model's total is about its file size; 4 GiB is more than a worker loads in memory.
     */
    @WithDefault("4G")
    MemorySize maxUncompressedSize();

    /** Most entries an archive may have (a TorchScript file has one per tensor, plus code). */
    @WithDefault("10000")
    int maxEntries();

    /** Highest compression ratio (uncompressed : compressed) of an entry above the size below. */
    @WithDefault("100")
    int maxCompressionRatio();

    /** Entries up to this uncompressed size are not held to the compression ratio. */
    @WithDefault("1M")
    MemorySize compressionRatioAbove();
  }

  Jobs jobs();

  Search search();

  /** Statistical search. */
  interface Search {

    /**
     * How often the in-memory sketch index compares itself with the database: a safety net only,
     * since other API instances' writes reach it at once through their notices ({@link Cluster}).
     */
    @WithDefault("5M")
    Duration syncInterval();

    /**
     * Memory for the points of recently compared learnwares (about 29 KB each at K = 100, d = 64),
     * so that a search does not read them from the database again.
     */
    @WithDefault("256M")
    MemorySize pointsCache();

    /**
     * Spaces with at most this many learnwares are searched with certified bounds: the results are
     * exactly those of comparing every learnware, and their written-out features take memory (8.6
     * KB each at d = 64). Larger spaces shortlist by sketch first.
     */
    @WithDefault("20000")
    int certifiedUpTo();
  }

  Cluster cluster();

  /**
   * How API instances sharing one database tell each other of their writes: PostgreSQL {@code
   * NOTIFY} in the writing transaction, {@code LISTEN} on a connection of each instance's own.
   */
  interface Cluster {

    /**
     * With no notice for this long, the listening connection is probed ({@code SELECT 1}), so that
     * a connection that died silently is noticed and replaced.
     */
    @WithDefault("10S")
    Duration probeInterval();

    /** Wait before connecting again after the listening connection failed. */
    @WithDefault("1S")
    Duration reconnectDelay();
  }

  /** The job queue and its leases. */
  interface Jobs {

    /** How long a claim lasts without a heartbeat; then the job returns to the queue. */
    @WithDefault("30S")
    Duration lease();

    /** Attempts (claims) before a job whose leases keep expiring fails. */
    @WithDefault("3")
    int maxAttempts();

    /** How long a claim waits for a job before answering 204. */
    @WithDefault("20S")
    Duration claimWait();

    /**
     * Longest text kept from a worker per field (validation log, model error, job error, progress
     * message, each string of a report); longer text is cut and marked.
     */
    @WithDefault("4000")
    int maxWorkerText();
  }
}
