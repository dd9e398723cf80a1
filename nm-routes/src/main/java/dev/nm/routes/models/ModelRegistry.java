package dev.nm.routes.models;

import dev.nm.routes.gguf.GgufMetadata;
import dev.nm.routes.gguf.GgufReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The models in one directory, read afresh on every call so that a model copied in is seen at once: each
 * {@code *.gguf} file is a generation model, each directory holding {@code model.onnx} and
 * {@code tokenizer.json} an embedding model. GGUF headers are cached per file size and modification time.
 * Thread-safe.
 */
public final class ModelRegistry {
  private static final String GGUF_SUFFIX = ".gguf";

  private final Path directory;
  private final Map<Path, CachedHeader> headers = new ConcurrentHashMap<>();

  public ModelRegistry(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  /** Every model in the directory, sorted by id; empty if the directory does not exist. */
  public List<ModelEntry> list() {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    List<ModelEntry> models = new ArrayList<>();
    try (Stream<Path> children = Files.list(directory)) {
      for (Path child : children.toList()) {
        String name = child.getFileName().toString();
        if (Files.isRegularFile(child) && name.endsWith(GGUF_SUFFIX) && name.length() > GGUF_SUFFIX.length()) {
          models.add(generationModel(child, name.substring(0, name.length() - GGUF_SUFFIX.length())));
        } else if (Files.isRegularFile(child.resolve("model.onnx")) && Files.isRegularFile(child.resolve("tokenizer.json"))) {
          models.add(
              new ModelEntry(name, ModelKind.EMBEDDING, child, Files.size(child.resolve("model.onnx")), Optional.empty(), Optional.empty()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the models directory " + directory, e);
    }
    models.sort(Comparator.comparing(ModelEntry::id));
    return List.copyOf(models);
  }

  /** The model with that id, if the directory holds one. */
  public Optional<ModelEntry> find(String id) {
    return list().stream().filter(m -> m.id().equals(id)).findFirst();
  }

  private ModelEntry generationModel(Path file, String id) throws IOException {
    long size = Files.size(file);
    FileTime modified = Files.getLastModifiedTime(file);
    CachedHeader cached = headers.get(file);
    if (cached == null || cached.size != size || !cached.modified.equals(modified)) {
      cached = readHeader(file, size, modified);
      headers.put(file, cached);
    }
    return new ModelEntry(id, ModelKind.GENERATION, file, size, cached.metadata, cached.problem);
  }

  private static CachedHeader readHeader(Path file, long size, FileTime modified) {
    try {
      return new CachedHeader(size, modified, Optional.of(GgufReader.read(file)), Optional.empty());
    } catch (IOException e) {
      return new CachedHeader(size, modified, Optional.empty(), Optional.of(e.getMessage()));
    }
  }

  private record CachedHeader(long size, FileTime modified, Optional<GgufMetadata> metadata, Optional<String> problem) {}
}
