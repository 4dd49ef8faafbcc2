package io.learnware.worker.job;

import io.learnware.spec.DataType;
import io.learnware.spec.InputSpec;
import io.learnware.spec.LearnwareSpec;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.data.DataFormatException;
import io.learnware.spec.data.IdxFiles;
import io.learnware.spec.data.ProgressListener;
import io.learnware.spec.rkme.Matrix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a job's data set for a model: a CSV with a header (a column named {@code label}, when
 * present, holds labels; the other columns are the model's inputs, images as C×H×W pixels
 * channel-major, already on the model's scale) or IDX images (one channel, pixels mapped from
 * 0..255 onto the spec's {@code input.range}, default [0, 1]) with the job's IDX labels.
 */
public final class Datasets {

  /** The data set column that holds labels, when there is one. */
  public static final String LABEL_COLUMN = "label";

  /** Inputs and, when the data set has them, class indices ({@code null} otherwise). */
  public record Labelled(Matrix features, int[] labels) {}

  /**
   * A labelled data set for a new task (e.g. transfer learning): its classes are the label values
   * it holds, not the model's.
   *
   * @param labels class indices into {@code classes}
   * @param classes the distinct label values, in numeric order when all are integers, else sorted
   */
  public record NewTask(Matrix features, int[] labels, List<String> classes) {}

  /**
   * What a data set file holds before its labels are interpreted: CSV label cells, or IDX class
   * indices (at most one of them; neither without labels).
   */
  private record Raw(Matrix features, List<String> cells, int[] indices) {

    List<String> labels() {
      return indices != null ? Arrays.stream(indices).mapToObj(String::valueOf).toList() : cells;
    }
  }

  private Datasets() {}

  /**
   * Reads a data set whose labels, if any, name the model's classes.
   *
   * @param file the data set
   * @param labelsFile IDX labels for IDX images, when given
   * @param source the model's specification
   * @param inputs the number of inputs the model takes
   * @param role how messages name the model, e.g. {@code the teacher}
   * @param progress receives (rows read, total rows)
   */
  public static Labelled read(
      Path file,
      Path labelsFile,
      LearnwareSpec source,
      int inputs,
      String role,
      ProgressListener progress)
      throws JobFailure, IOException {
    Raw raw = readRaw(file, labelsFile, source, inputs, role, progress);
    if (raw.indices() != null) {
      for (int label : raw.indices()) {
        if (label >= source.output().dimension()) {
          throw new JobFailure(
              "the data set has label %d; %s has %d classes"
                  .formatted(label, role, source.output().dimension()));
        }
      }
      return new Labelled(raw.features(), raw.indices());
    }
    return new Labelled(
        raw.features(), raw.cells() == null ? null : labels(raw.cells(), source, role));
  }

  /**
   * Reads a labelled data set for a new task on the model's inputs; like {@link #read} but its
   * labels may be anything.
   *
   * @throws JobFailure when the data set has no labels or fewer than two classes
   */
  public static NewTask readNewTask(
      Path file,
      Path labelsFile,
      LearnwareSpec source,
      int inputs,
      String role,
      ProgressListener progress)
      throws JobFailure, IOException {
    Raw raw = readRaw(file, labelsFile, source, inputs, role, progress);
    List<String> cells = raw.labels();
    if (cells == null) {
      throw new JobFailure(
          "the data set has no labels: give a CSV a \"%s\" column, or IDX images their labels file"
              .formatted(LABEL_COLUMN));
    }
    List<String> classes = cells.stream().map(String::strip).distinct().toList();
    boolean numeric = classes.stream().allMatch(c -> c.matches("-?\\d{1,9}"));
    classes =
        classes.stream()
            .sorted(
                numeric ? Comparator.comparingInt(Integer::parseInt) : Comparator.naturalOrder())
            .toList();
    if (classes.size() < 2) {
      throw new JobFailure(
          "the data set's labels name %d class%s; a classifier needs at least two"
              .formatted(classes.size(), classes.size() == 1 ? "" : "es"));
    }
    Map<String, Integer> index = new HashMap<>();
    for (String name : classes) {
      index.put(name, index.size());
    }
    int[] labels = cells.stream().mapToInt(cell -> index.get(cell.strip())).toArray();
    return new NewTask(raw.features(), labels, classes);
  }

  /** Inputs and numeric targets, for a regressor ({@code targets} {@code null} when optional). */
  public record Targets(Matrix features, double[] targets) {}

  /**
   * Reads a CSV data set whose {@code label} column holds a regressor's numeric targets.
   *
   * @throws JobFailure when the data set has no label column, a label is not a finite number, or
   *     the data set holds IDX images (whose labels are classes)
   */
  public static Targets readTargets(
      Path file, LearnwareSpec source, int inputs, String role, ProgressListener progress)
      throws JobFailure, IOException {
    if (IdxFiles.isImages(file)) {
      throw new JobFailure(
          "the data set holds IDX images, whose labels are classes; a regressor needs a CSV data"
              + " set with a numeric \"%s\" column".formatted(LABEL_COLUMN));
    }
    Targets read = readOptionalTargets(file, source, inputs, role, progress);
    if (read.targets() == null) {
      throw new JobFailure(
          "the data set has no targets: give the CSV a numeric column named \"%s\""
              .formatted(LABEL_COLUMN));
    }
    return read;
  }

  /**
   * Reads a data set for a regressor whose targets are optional: a CSV's numeric {@code label}
   * column when it has one ({@code targets} {@code null} otherwise), or IDX images alone.
   *
   * @throws JobFailure when a label is not a finite number
   */
  public static Targets readOptionalTargets(
      Path file, LearnwareSpec source, int inputs, String role, ProgressListener progress)
      throws JobFailure, IOException {
    Raw raw = readRaw(file, null, source, inputs, role, progress);
    if (raw.cells() == null) {
      return new Targets(raw.features(), null);
    }
    double[] targets = new double[raw.cells().size()];
    for (int row = 0; row < targets.length; row++) {
      String cell = raw.cells().get(row).strip();
      double value;
      try {
        value = Double.parseDouble(cell);
      } catch (NumberFormatException e) {
        value = Double.NaN;
      }
      if (!Double.isFinite(value)) {
        throw new JobFailure(
            "data row %d: the target \"%s\" is not a finite number".formatted(row + 1, cell));
      }
      targets[row] = value;
    }
    return new Targets(raw.features(), targets);
  }

  private static Raw readRaw(
      Path file,
      Path labelsFile,
      LearnwareSpec source,
      int inputs,
      String role,
      ProgressListener progress)
      throws JobFailure, IOException {
    if (IdxFiles.isImages(file)) {
      return readIdx(file, labelsFile, source, role, progress);
    }
    boolean labelled;
    CsvTables.Table table;
    try {
      labelled = CsvTables.header(file).contains(LABEL_COLUMN);
      table = CsvTables.read(file, labelled ? LABEL_COLUMN : null, progress);
    } catch (DataFormatException e) {
      throw new JobFailure("the data set is not a numeric CSV table: " + e.getMessage(), e);
    }
    int columns = table.features().columns();
    if (columns != inputs) {
      throw new JobFailure(
          "the data set has %d feature columns%s, %s takes %d inputs"
              .formatted(columns, labelled ? " besides \"label\"" : "", role, inputs));
    }
    return new Raw(table.features(), labelled ? table.labels() : null, null);
  }

  private static Raw readIdx(
      Path file, Path labelsFile, LearnwareSpec source, String role, ProgressListener progress)
      throws JobFailure, IOException {
    if (source.dataType() != DataType.IMAGE) {
      throw new JobFailure(
          "the data set holds IDX images; %s is a table learnware and needs a CSV data set with a"
                  .formatted(role)
              + " header");
    }
    IdxFiles.Images images;
    int[] labels = null;
    try {
      images = IdxFiles.readImages(file, progress);
      if (labelsFile != null) {
        labels = IdxFiles.readLabels(labelsFile);
      }
    } catch (DataFormatException e) {
      throw new JobFailure("the data set is not readable IDX: " + e.getMessage(), e);
    }
    InputSpec input = source.input();
    if (input.channels() != 1
        || input.height() != images.height()
        || input.width() != images.width()) {
      throw new JobFailure(
          "the data set holds 1×%d×%d images; %s takes %d×%d×%d"
              .formatted(
                  images.height(),
                  images.width(),
                  role,
                  input.channels(),
                  input.height(),
                  input.width()));
    }
    if (labels != null && labels.length != images.count()) {
      throw new JobFailure(
          "the data set has %d images but %d labels".formatted(images.count(), labels.length));
    }
    double low = input.range() == null ? 0 : input.range().get(0);
    double high = input.range() == null ? 1 : input.range().get(1);
    double[] pixels = images.pixels().data();
    double[] scaled = new double[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      scaled[i] = low + (high - low) * pixels[i];
    }
    return new Raw(new Matrix(images.count(), images.pixels().columns(), scaled), null, labels);
  }

  /** Class indices for label cells: names from {@code output.labels}, else indices 0..K−1. */
  public static int[] labels(List<String> cells, LearnwareSpec source, String role)
      throws JobFailure {
    List<String> names = source.output().labels();
    int classes = source.output().dimension();
    int[] out = new int[cells.size()];
    for (int row = 0; row < out.length; row++) {
      String cell = cells.get(row).strip();
      int index = names != null ? names.indexOf(cell) : -1;
      if (names == null) {
        try {
          index = Integer.parseInt(cell);
        } catch (NumberFormatException e) {
          index = -1;
        }
      }
      if (index < 0 || index >= classes) {
        throw new JobFailure(
            "data row %d: label \"%s\" is not one of %s's %s"
                .formatted(
                    row + 1,
                    cell,
                    role,
                    names != null
                        ? "labels ("
                            + String.join(", ", names.subList(0, Math.min(names.size(), 10)))
                            + (names.size() > 10 ? ", …)" : ")")
                        : "class indices 0.." + (classes - 1)));
      }
      out[row] = index;
    }
    return out;
  }
}
