package dev.nm.routes.models;

import dev.nm.routes.gguf.GgufMetadata;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A model found in the models directory.
 *
 * @param id the name callers use: the GGUF file name without {@code .gguf}, or the embedding directory's name
 * @param metadata the GGUF header, for generation models whose header is valid
 * @param problem why the model cannot be used (an unreadable header), if it cannot
 */
public record ModelEntry(
    String id, ModelKind kind, Path path, long sizeBytes, Optional<GgufMetadata> metadata, Optional<String> problem) {
  public ModelEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(problem, "problem");
  }
}
