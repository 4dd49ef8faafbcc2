package io.learnware.market.modelformat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Recognises one model format from the bytes of a file, cheaply (headers or a directory, never a
 * full parse). Implementations are CDI beans; {@link ModelFormats} finds them by {@link #format()}.
 */
public interface ModelFormatSniffer {

  /** The value of {@code model.format} in a specification that this sniffer checks. */
  String format();

  /** Empty when the file looks like this format, else why not (shown to the uploader). */
  Optional<String> mismatch(Path file) throws IOException;
}
