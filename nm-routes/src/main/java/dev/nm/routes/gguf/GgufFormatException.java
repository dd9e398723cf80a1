package dev.nm.routes.gguf;

import java.io.IOException;
import java.nio.file.Path;

/** A file is not a readable GGUF model: wrong magic, unsupported version, truncated or corrupt header. */
public final class GgufFormatException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;

  GgufFormatException(Path file, String problem) {
    super(file + " is not a valid GGUF model: " + problem);
    this.file = file;
  }

  /** The file that could not be read. */
  public Path file() {
    return file;
  }
}
