package io.learnware.market.modelformat;

import io.learnware.market.problem.MarketException;
import io.learnware.market.problem.Problem;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The known model formats, each checked by its {@link ModelFormatSniffer}. */
@ApplicationScoped
public class ModelFormats {

  private final Map<String, ModelFormatSniffer> byFormat;

  public ModelFormats(@All List<ModelFormatSniffer> sniffers) {
    this.byFormat =
        sniffers.stream()
            .collect(Collectors.toUnmodifiableMap(ModelFormatSniffer::format, Function.identity()));
  }

  /**
   * Throws {@link MarketException.ModelFormatMismatch} (422) unless {@code file} is a {@code
   * format} model.
   *
   * @param pointer where the offending bytes came from, e.g. the form part {@code /model}
   */
  public void requireFormat(String format, Path file, String pointer) {
    ModelFormatSniffer sniffer = byFormat.get(format);
    if (sniffer == null) {
      throw new MarketException.InvalidInput(
          "/model/format", "unknown model format '" + format + "'; known: " + byFormat.keySet());
    }
    Optional<String> mismatch;
    try {
      mismatch = sniffer.mismatch(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    mismatch.ifPresent(
        reason -> {
          String detail =
              "The model does not match the declared format '" + format + "': " + reason + ".";
          throw new MarketException.ModelFormatMismatch(
              detail, List.of(new Problem.Violation(pointer, reason)));
        });
  }
}
