package io.learnware.market.dataset;

import io.learnware.market.abuse.Quotas;
import io.learnware.market.account.Caller;
import io.learnware.market.account.Role;
import io.learnware.market.account.Scope;
import io.learnware.market.audit.AuditLog;
import io.learnware.market.problem.MarketException;
import io.learnware.market.storage.StagedFile;
import io.learnware.market.storage.StorageService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/** Users' private data sets for jobs. */
@ApplicationScoped
public class DatasetService {

  private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9-]{1,62}$");
  private static final int IDX_IMAGES = 0x00000803;
  private static final int IDX_LABELS = 0x00000801;

  /** What is stored about a data set; never its contents. */
  public record DatasetView(
      String dataset, String format, String dataSha256, long dataSize, String labelsSha256) {}

  private final Caller caller;
  private final StorageService storage;
  private final Quotas quotas;

  private final AuditLog audit;

  public DatasetService(Caller caller, StorageService storage, Quotas quotas, AuditLog audit) {
    this.audit = audit;
    this.caller = caller;
    this.storage = storage;
    this.quotas = quotas;
  }

  /**
   * Stores a data set: a CSV with a header, or IDX images ({@code .gz} or plain) with optional IDX
   * labels. The worker that uses it parses it in full; here only its kind is told apart.
   */
  @Transactional
  public DatasetView upload(String owner, String name, StagedFile data, StagedFile labels) {
    caller.require(owner, Role.WRITE, Scope.WRITE);
    if (!NAME.matcher(name).matches()) {
      throw new MarketException.InvalidInput("/name", "must match " + NAME.pattern());
    }
    if (data == null) {
      throw new MarketException.InvalidInput("/data", "the form part 'data' is required");
    }
    if (Dataset.findByKey(owner, name).isPresent()) {
      throw new MarketException.Conflict("The data set " + owner + "/" + name + " exists.");
    }
    String format = magic(data) == IDX_IMAGES ? "idx" : "csv";
    if (labels != null && (!format.equals("idx") || magic(labels) != IDX_LABELS)) {
      throw new MarketException.InvalidInput(
          "/labels", "labels go with IDX images and must be an IDX label file (magic 0x00000801)");
    }
    List<StagedFile> stored = new ArrayList<>();
    stored.add(data);
    if (labels != null) {
      stored.add(labels);
    }
    quotas.requireStorage(caller.principal(), owner, stored);
    storage.acquire(data);
    Dataset dataset = new Dataset();
    dataset.owner = owner;
    dataset.name = name;
    dataset.format = format;
    dataset.dataSha256 = data.sha256();
    dataset.dataSize = data.size();
    if (labels != null) {
      storage.acquire(labels);
      dataset.labelsSha256 = labels.sha256();
      dataset.labelsSize = labels.size();
    }
    dataset.persist();
    audit.record(
        caller.username(),
        owner,
        null,
        AuditLog.Action.DATASET_UPLOADED,
        java.util.Map.of("dataset", name, "format", format, "sha256", data.sha256()));
    return viewOf(dataset);
  }

  /**
   * The data set, if the caller may read its namespace; 404 for everyone else, workers included, so
   * that data sets do not show that they exist; 403 naming the scope when the user may read it but
   * the token may not.
   */
  @Transactional
  public Dataset readable(String owner, String name) {
    java.util.function.Supplier<MarketException> notFound =
        () -> new MarketException.NotFound("No data set " + owner + "/" + name + ".");
    Dataset dataset = Dataset.findByKey(owner, name).orElseThrow(notFound);
    caller.requireRead(owner, true, notFound);
    return dataset;
  }

  public static DatasetView viewOf(Dataset dataset) {
    return new DatasetView(
        dataset.key(), dataset.format, dataset.dataSha256, dataset.dataSize, dataset.labelsSha256);
  }

  /** The first four bytes as a big-endian int, looking inside gzip. */
  private static int magic(StagedFile file) {
    try (InputStream raw = Files.newInputStream(file.path())) {
      InputStream in = raw;
      byte[] head = raw.readNBytes(2);
      if (head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
        in = new GZIPInputStream(Files.newInputStream(file.path()));
      } else {
        in = Files.newInputStream(file.path());
      }
      try (DataInputStream data = new DataInputStream(in)) {
        return data.readInt();
      }
    } catch (java.io.EOFException e) {
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
