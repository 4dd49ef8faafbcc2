package io.learnware.cli;

import io.learnware.client.AtomicFiles;
import io.learnware.spec.FeatureMapSpec;
import io.learnware.spec.RkmeDocuments;
import io.learnware.spec.RkmeSpec;
import io.learnware.spec.SpecDocuments;
import io.learnware.spec.data.CsvTables;
import io.learnware.spec.data.DataFormatException;
import io.learnware.spec.data.IdxFiles;
import io.learnware.spec.rkme.ImageFeatureMap;
import io.learnware.spec.rkme.Matrix;
import io.learnware.spec.rkme.Rkme;
import io.learnware.spec.rkme.RkmeBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code learnware spec rkme}: the statistical specification of a data set, computed locally. */
@Command(
    name = "rkme",
    description = {
      "Compute the statistical specification (a reduced kernel mean embedding, RKME) of a data"
          + " set on this machine: the data never leave it, only the summary is written.",
      "The output is the canonical document {\"type\": \"rkme-table\", \"kernel\": \"gaussian\","
          + " \"gamma\", \"dimension\", \"numPoints\", \"z\", \"beta\"}; for images it also names"
          + " the feature map the RKME was computed under. With --format beimingwu it is the JSON"
          + " of Beimingwu's learnware package instead."
    },
    sortOptions = false)
final class SpecRkmeCommand implements Callable<Integer> {

  private static final String CANONICAL = "canonical";
  private static final String BEIMINGWU = "beimingwu";

  /** Images mapped between progress reports. */
  private static final int MAP_BATCH = 1000;

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(
        names = "--csv",
        paramLabel = "FILE",
        description =
            "a CSV file with a header row naming the columns (.gz is decompressed); empty cells,"
                + " NaN and NA are missing values")
    Path csv;

    @Option(
        names = "--idx",
        paramLabel = "FILE",
        description =
            "IDX images (unsigned bytes, n × height × width, as MNIST; .gz is decompressed),"
                + " mapped to 64 features by the image feature map "
                + FeatureMapSpec.IMAGE_SIGN_PROJECTION_V1)
    Path idx;
  }

  @Option(
      names = "--label",
      paramLabel = "COLUMN",
      description = "the CSV column holding the label, which is left out of the features")
  String label;

  @Option(
      names = "--points",
      paramLabel = "K",
      defaultValue = "" + RkmeBuilder.DEFAULT_POINTS,
      description = "reduced points (default: ${DEFAULT-VALUE}; at most 2/3 of the rows)")
  int points;

  @Option(
      names = "--gamma",
      paramLabel = "G",
      defaultValue = "" + RkmeBuilder.DEFAULT_GAMMA,
      description = "Gaussian kernel bandwidth of exp(-G·‖x−y‖²) (default: ${DEFAULT-VALUE})")
  double gamma;

  @Option(
      names = "--steps",
      paramLabel = "N",
      defaultValue = "" + RkmeBuilder.DEFAULT_STEPS,
      description = "refinement steps after k-means (default: ${DEFAULT-VALUE}; 0 skips them)")
  int steps;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "0",
      description = "seed of the k-means sampling; equal seeds give equal output")
  long seed;

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "the JSON to write")
  Path out;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "canonical",
      description =
          "canonical (default: the market's rkme-table document) or beimingwu (the JSON of"
              + " Beimingwu's learnware package, RKMETableSpecification: its load() reads it; the"
              + " market accepts both)")
  String format;

  @Option(names = "--quiet", description = "no progress on standard error")
  boolean quiet;

  @Override
  public Integer call() throws CliFailure, DataFormatException {
    checkOptions();
    PrintWriter stdout = spec.commandLine().getOut();
    Matrix features;
    String summary;
    FeatureMapSpec featureMap = null;
    Rkme rkme;
    try (ProgressBar progress = ProgressBar.on(spec.commandLine().getErr(), quiet)) {
      if (source.csv != null) {
        String stage = "reading " + source.csv.getFileName();
        CsvTables.Table table =
            read(
                source.csv,
                () ->
                    CsvTables.read(
                        source.csv, label, (done, total) -> progress.bytes(stage, done, total)));
        features = table.features();
        summary = "%,d rows × %d features".formatted(features.rows(), features.columns());
      } else {
        String stage = "reading " + source.idx.getFileName();
        IdxFiles.Images images =
            read(
                source.idx,
                () ->
                    IdxFiles.readImages(
                        source.idx, (done, total) -> progress.bytes(stage, done, total)));
        ImageFeatureMap map =
            new ImageFeatureMap(images.channels(), images.height(), images.width());
        features = map(map, images.pixels(), progress);
        summary =
            "%,d images of %d×%d×%d pixels, mapped to %d features"
                .formatted(
                    images.count(),
                    images.channels(),
                    images.height(),
                    images.width(),
                    ImageFeatureMap.DIMENSION);
        featureMap =
            FeatureMapSpec.imageSignProjection(images.channels(), images.height(), images.width());
      }
      rkme =
          Rkme.builder()
              .setData(features)
              .optPoints(points)
              .optGamma(gamma)
              .optSteps(steps)
              .optSeed(seed)
              .optListener((stage, fraction) -> progress.update("RKME " + stage, fraction, ""))
              .build();
    }
    RkmeSpec document = rkme.toSpec().withFeatureMap(featureMap);
    try {
      AtomicFiles.write(
          out,
          SpecDocuments.mapper()
              .writeValueAsBytes(
                  BEIMINGWU.equals(format) ? RkmeDocuments.toBeimingwu(document) : document));
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.IO_FAILURE, out + ": cannot write: " + Describe.io(e));
    }
    stdout.printf("%s: RKME of %s; %d points, gamma %s%n", out, summary, rkme.size(), rkme.gamma());
    return ExitCodes.OK;
  }

  private void checkOptions() {
    if (!CANONICAL.equals(format) && !BEIMINGWU.equals(format)) {
      throw new ParameterException(spec.commandLine(), "--format must be canonical or beimingwu");
    }
    if (label != null && source.csv == null) {
      throw new ParameterException(spec.commandLine(), "--label applies to --csv only");
    }
    if (points < 1) {
      throw new ParameterException(spec.commandLine(), "--points must be at least 1");
    }
    if (!(gamma > 0) || Double.isInfinite(gamma)) {
      throw new ParameterException(spec.commandLine(), "--gamma must be a positive number");
    }
    if (steps < 0) {
      throw new ParameterException(spec.commandLine(), "--steps must not be negative");
    }
  }

  /** Maps the images in batches, to report progress on large sets. */
  private static Matrix map(ImageFeatureMap map, Matrix images, ProgressBar progress) {
    int d = ImageFeatureMap.DIMENSION;
    double[] out = new double[Math.multiplyExact(images.rows(), d)];
    for (int i = 0; i < images.rows(); i++) {
      map.apply(images.data(), i * map.inputSize(), out, i * d);
      if ((i + 1) % MAP_BATCH == 0) {
        progress.update("feature map", (i + 1) / (double) images.rows(), "");
      }
    }
    return new Matrix(images.rows(), d, out);
  }

  @FunctionalInterface
  private interface Reader<T> {
    T read() throws IOException, DataFormatException;
  }

  /** Runs a reader; a file that cannot be read is the user's input to fix. */
  private static <T> T read(Path file, Reader<T> reader) throws CliFailure, DataFormatException {
    try {
      return reader.read();
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.INVALID_INPUT, file + ": cannot read: " + Describe.io(e));
    }
  }
}
