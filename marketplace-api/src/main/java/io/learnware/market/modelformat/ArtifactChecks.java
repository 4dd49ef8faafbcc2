package io.learnware.market.modelformat;

import io.learnware.market.MarketConfig;
import io.learnware.market.problem.MarketException;
import io.learnware.market.problem.Problem.Violation;
import io.learnware.spec.onnx.OnnxExternalData;
import io.learnware.spec.onnx.OnnxExternalData.Reference;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything checked about uploaded artifacts before a worker runs any of their code: zip archives
 * (TorchScript models, and extra files that are zips) against {@link MarketConfig.Archive}, the
 * model's declared format, and ONNX files' external data. An ONNX tensor may keep its bytes in
 * another file only if that file is one of the same upload's {@code file} parts, named exactly
 * (ONNX Runtime resolves the name next to the model); any other location is refused, including
 * absolute paths and {@code ..}.
 */
@ApplicationScoped
public class ArtifactChecks {

  /** An extra artifact ({@code file} part) as uploaded. */
  public record ExtraFile(String filename, Path path) {}

  private static final String ONNX = "onnx";

  private final ModelFormats formats;
  private final ZipDirectory.Limits limits;

  public ArtifactChecks(ModelFormats formats, MarketConfig config) {
    this.formats = formats;
    MarketConfig.Archive archive = config.archive();
    this.limits =
        new ZipDirectory.Limits(
            archive.maxUncompressedSize().asLongValue(),
            archive.maxEntries(),
            archive.maxCompressionRatio(),
            archive.compressionRatioAbove().asLongValue());
  }

  /**
   * Throws {@link MarketException.UnsafeArtifact} (422, violations at {@code /model} or {@code
   * /file/N}) or {@link MarketException.ModelFormatMismatch} unless every artifact passes.
   */
  public void requireSafe(String format, Path model, List<ExtraFile> files) {
    try {
      // Zips first: the format sniffer opens them with ZipFile, which reads the whole directory.
      List<Violation> violations = new ArrayList<>();
      if (format.equals("torchscript") || ZipDirectory.isZip(model)) {
        zipProblem(model).ifPresent(p -> violations.add(new Violation("/model", p)));
      }
      for (int i = 0; i < files.size(); i++) {
        if (ZipDirectory.isZip(files.get(i).path())) {
          String pointer = "/file/" + i;
          zipProblem(files.get(i).path()).ifPresent(p -> violations.add(new Violation(pointer, p)));
        }
      }
      refuseIfAny(violations);
      formats.requireFormat(format, model, "/model");
      Set<String> uploaded =
          files.stream().map(ExtraFile::filename).collect(Collectors.toUnmodifiableSet());
      if (format.equals(ONNX)) {
        onnxProblem(model, uploaded).ifPresent(p -> violations.add(new Violation("/model", p)));
      }
      for (int i = 0; i < files.size(); i++) {
        String filename = files.get(i).filename();
        if (filename != null && filename.toLowerCase().endsWith("." + ONNX)) {
          String pointer = "/file/" + i;
          onnxProblem(files.get(i).path(), uploaded)
              .ifPresent(p -> violations.add(new Violation(pointer, p)));
        }
      }
      refuseIfAny(violations);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Optional<String> zipProblem(Path file) throws IOException {
    return ZipDirectory.problem(file, limits);
  }

  /** The first external-data reference that is not one of {@code uploaded}, in words. */
  private static Optional<String> onnxProblem(Path file, Set<String> uploaded) throws IOException {
    List<Reference> references;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      if (channel.size() > Integer.MAX_VALUE) {
        return Optional.of(
            "the ONNX file is larger than 2 GiB, more than a protobuf message can hold; keep large"
                + " weights in external data files uploaded as 'file' parts");
      }
      references =
          OnnxExternalData.of(channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()));
    } catch (IllegalArgumentException e) {
      // ONNX Runtime would not load it either, but what it would follow cannot be told.
      return Optional.of("the ONNX file is not a well-formed protobuf (" + e.getMessage() + ")");
    }
    for (Reference reference : references) {
      String location = reference.location();
      if (location == null || !uploaded.contains(location)) {
        return Optional.of(
            "the tensor %s keeps its data in %s; external data must name a 'file' part of this upload (%s)"
                .formatted(
                    ZipDirectory.quote(String.valueOf(reference.tensor())),
                    location == null ? "no named file" : ZipDirectory.quote(location),
                    uploaded.isEmpty()
                        ? "there are none"
                        : String.join(", ", uploaded.stream().sorted().toList())));
      }
    }
    return Optional.empty();
  }

  private static void refuseIfAny(List<Violation> violations) {
    if (!violations.isEmpty()) {
      throw new MarketException.UnsafeArtifact(
          "An artifact was refused before running it: " + violations.getFirst().message() + ".",
          violations);
    }
  }
}
