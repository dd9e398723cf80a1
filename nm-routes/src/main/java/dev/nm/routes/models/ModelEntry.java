package dev.nm.routes.models;

import dev.nm.routes.gguf.GgufMetadata;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A model found in the models directory.
 *
 * @param id the name callers use: the GGUF file name without {@code .gguf}, or the embedding directory's name
 * @param sizeBytes the bytes of the GGUF file (of all its files, for a model split across several) or of the
 *     embedding model's {@code model.onnx}
 * @param metadata the GGUF header, for generation models whose header is valid (a split model's, with the other
 *     parts' tensors and sizes added)
 * @param problem why the model cannot be used (an unreadable header, a split model's part other than the first or
 *     its first part with another missing), if it cannot
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
