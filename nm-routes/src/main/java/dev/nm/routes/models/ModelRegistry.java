package dev.nm.routes.models;

import dev.nm.host.HomeDirectories;
import dev.nm.route.RouteException;
import dev.nm.routes.embeddings.OnnxEmbeddingBackend;
import dev.nm.routes.gguf.GgufFormatException;
import dev.nm.routes.gguf.GgufMetadata;
import dev.nm.routes.gguf.GgufReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The models in one directory, read afresh on every {@link #list()} so that a model copied in is seen at once:
 * each {@code *.gguf} file is a generation model, each directory holding {@code model.onnx} and
 * {@code tokenizer.json} an embedding model (but a hidden one: {@link OnnxEmbeddingBackend#isModelName}). GGUF
 * headers are cached per file size and modification time. {@link #firstUsable} serves the requests that name no
 * model from the last listing while the directory is unchanged. Thread-safe.
 */
public final class ModelRegistry {
  private static final String GGUF_SUFFIX = ".gguf";
  private static final long SETTLED_MILLIS = 1_000;
  /** A split model's file name, as llama.cpp names the parts: prefix, part number, count. */
  private static final Pattern SPLIT_NAME = Pattern.compile("(.+)-(\\d{5})-of-(\\d{5})\\.gguf");

  private final Path directory;
  private final Map<Path, CachedHeader> headers = new ConcurrentHashMap<>();
  private volatile Listing lastListing;

  public ModelRegistry(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  /**
   * Every model in the directory, sorted by id, then kind; empty if the directory does not exist.
   *
   * @throws RouteException {@code BACKEND_ERROR} if the directory exists but cannot be listed
   */
  public List<ModelEntry> list() {
    return listing().models;
  }

  /**
   * The first model of that kind, by id, whose file is usable. Lists the directory again only when its
   * modification time has changed since the last listing (a model added, removed or renamed), not for every
   * request that names no model; a model rewritten in place keeps its place until then, and is read afresh
   * when it is loaded.
   */
  public Optional<ModelEntry> firstUsable(ModelKind kind) {
    return current().models.stream().filter(m -> m.kind() == kind && m.problem().isEmpty()).findFirst();
  }

  /** Whether the directory holds a usable model of that id and kind; as cheap as {@link #firstUsable}. */
  public boolean hasUsable(String id, ModelKind kind) {
    return current().models.stream().anyMatch(m -> m.id().equals(id) && m.kind() == kind && m.problem().isEmpty());
  }

  private Listing current() {
    Listing listing = lastListing;
    if (listing == null || !listing.reusable || !listing.directoryModified.equals(modified(directory))) {
      listing = listing();
    }
    return listing;
  }

  /** The model of that id and kind, if the directory holds one. */
  public Optional<ModelEntry> find(String id, ModelKind kind) {
    return list().stream().filter(m -> m.id().equals(id) && m.kind() == kind).findFirst();
  }

  /**
   * Every model of that id, by kind: none, one, or two where a GGUF file and an embedding directory share a name
   * ({@code x.gguf} beside {@code x/}), which only a caller that knows the kind can tell apart.
   */
  public List<ModelEntry> named(String id) {
    return list().stream().filter(m -> m.id().equals(id)).toList();
  }

  private Listing listing() {
    // Read before the entries: a change during the listing makes the next firstUsable list again. The kernel
    // stamps a directory with a coarse clock, so a change within the same tick as the stamp read here would go
    // unseen: a listing is reused only once the directory has been left alone for a while before it.
    FileTime directoryModified = modified(directory);
    boolean reusable = System.currentTimeMillis() - directoryModified.toMillis() > SETTLED_MILLIS;
    Listing listing = new Listing(directoryModified, reusable, entries());
    lastListing = listing;
    return listing;
  }

  /**
   * Reads each entry of the directory. One removed since the directory was listed is skipped, and one that cannot
   * be read is listed with that as its problem: a single file copied in or out does not fail the whole catalogue.
   *
   * @throws RouteException {@code BACKEND_ERROR} if the directory exists but cannot be listed
   */
  private List<ModelEntry> entries() {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    List<Path> children;
    try (Stream<Path> listing = Files.list(directory)) {
      children = listing.toList();
    } catch (NoSuchFileException | NotDirectoryException e) {
      return List.of(); // removed or replaced since it was looked at
    } catch (IOException | UncheckedIOException e) {
      IOException cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : (IOException) e;
      throw RouteException.backend(
          HomeDirectories.forThisUser().redact("the models directory " + directory + " cannot be listed (" + why(cause)
              + "); give the host's user read access to it, or set NM_HOST_MODELS_DIR to another directory"),
          cause);
    }
    List<ModelEntry> models = new ArrayList<>();
    Set<Path> ggufFiles = new HashSet<>();
    for (Path child : children) {
      String name = child.getFileName().toString();
      if (Files.isRegularFile(child) && name.endsWith(GGUF_SUFFIX) && name.length() > GGUF_SUFFIX.length()) {
        ggufFiles.add(child);
        String id = name.substring(0, name.length() - GGUF_SUFFIX.length());
        read(id, ModelKind.GENERATION, child, () -> generationModel(child, id)).ifPresent(models::add);
      } else if (OnnxEmbeddingBackend.isModelName(name)
          && Files.isRegularFile(child.resolve("model.onnx"))
          && Files.isRegularFile(child.resolve("tokenizer.json"))) {
        read(name, ModelKind.EMBEDDING, child, () -> new ModelEntry(
                name, ModelKind.EMBEDDING, child, Files.size(child.resolve("model.onnx")), Optional.empty(), Optional.empty()))
            .ifPresent(models::add);
      }
    }
    headers.keySet().retainAll(ggufFiles); // a file removed or renamed keeps no header
    Map<Path, ModelEntry> files = new HashMap<>();
    models.stream().filter(m -> m.kind() == ModelKind.GENERATION).forEach(m -> files.put(m.path(), m));
    models.replaceAll(entry -> splitPart(entry, files));
    models.sort(Comparator.comparing(ModelEntry::id).thenComparing(ModelEntry::kind)); // not as the listing gave them
    return List.copyOf(models);
  }

  /**
   * A part of a model split across files ({@code name-00001-of-00003.gguf}, header keys {@code split.no} and
   * {@code split.count}) as llama.cpp loads it: the first part stands for the model, reading the others beside it, so
   * its size, tensors and parameters are the parts' together, and a part missing is its problem; every other part is
   * listed with the problem of being one. Any other entry as it is.
   */
  private static ModelEntry splitPart(ModelEntry entry, Map<Path, ModelEntry> files) {
    if (entry.metadata().isEmpty() || entry.metadata().get().splitCount().isEmpty()) {
      return entry;
    }
    GgufMetadata metadata = entry.metadata().get();
    long count = metadata.splitCount().get();
    long number = metadata.splitNumber().orElse(0L) + 1;
    String name = entry.path().getFileName().toString();
    Matcher parts = SPLIT_NAME.matcher(name);
    if (!parts.matches() || Long.parseLong(parts.group(2)) != number || Long.parseLong(parts.group(3)) != count) {
      return withProblem(entry, entry.path() + " is part " + number + " of " + count + " of a model split across files,"
          + " but its name does not end in " + splitSuffix(number, count) + ", which llama.cpp needs to find the other"
          + " parts; rename it");
    }
    String prefix = parts.group(1);
    if (number > 1) {
      return withProblem(entry, entry.path() + " is part " + number + " of " + count + " of the model "
          + prefix + splitSuffix(1, count) + "; load that one, '" + prefix + splitSuffix(1, count).replace(GGUF_SUFFIX, "")
          + "', which reads every part");
    }
    List<GgufMetadata> others = new ArrayList<>();
    for (long other = 2; other <= count; other++) {
      String otherName = prefix + splitSuffix(other, count);
      Path otherFile = entry.path().resolveSibling(otherName);
      ModelEntry listed = files.get(otherFile);
      String missing = entry.path() + " is part 1 of " + count + " of a model split across files, and part " + other
          + ", " + otherName;
      if (listed == null) {
        return withProblem(entry, missing + ", is not beside it; copy it there");
      }
      Optional<GgufMetadata> part = listed.metadata();
      if (part.isEmpty()) {
        return withProblem(entry, missing + ", cannot be read (models lists why)");
      }
      long otherNumber = other;
      if (!part.get().splitCount().equals(Optional.of(count)) || !part.get().splitNumber().equals(Optional.of(otherNumber - 1))) {
        return withProblem(entry, entry.path() + " is part 1 of " + count + " of a model split across files, but "
            + otherName + " is not its part " + other + " (its header says part "
            + part.get().splitNumber().map(n -> n + 1).map(String::valueOf).orElse("none") + " of "
            + part.get().splitCount().map(String::valueOf).orElse("none") + ")");
      }
      others.add(part.get());
    }
    GgufMetadata model = metadata.withParts(others);
    return new ModelEntry(entry.id(), entry.kind(), entry.path(), model.fileSize(), Optional.of(model), entry.problem());
  }

  /** The end of a split model's file names, as llama.cpp writes them: {@code -00002-of-00003.gguf}. */
  private static String splitSuffix(long number, long count) {
    return String.format("-%05d-of-%05d%s", number, count, GGUF_SUFFIX);
  }

  private static ModelEntry withProblem(ModelEntry entry, String problem) {
    return new ModelEntry(entry.id(), entry.kind(), entry.path(), entry.sizeBytes(), entry.metadata(), Optional.of(problem));
  }

  /** What reads an entry's files. */
  @FunctionalInterface
  private interface EntryReader {
    ModelEntry read() throws IOException;
  }

  /** The entry {@code reader} reads; empty if it has been removed since the listing; its problem if it cannot be read. */
  private static Optional<ModelEntry> read(String id, ModelKind kind, Path path, EntryReader reader) {
    try {
      return Optional.of(reader.read());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(new ModelEntry(id, kind, path, 0, Optional.empty(), Optional.of(path + " cannot be read: " + why(e))));
    }
  }

  /**
   * What went wrong, without the path a file system exception's message starts with: its kind, and the system's
   * reason where it gives one ({@code AccessDeniedException}, {@code FileSystemException: Input/output error}).
   */
  static String why(IOException e) {
    String reason = e instanceof FileSystemException failure ? failure.getReason() : e.getMessage();
    return e.getClass().getSimpleName() + (reason == null ? "" : ": " + reason);
  }

  /** The directory's modification time; the epoch if it does not exist. */
  private static FileTime modified(Path directory) {
    try {
      return Files.getLastModifiedTime(directory);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
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
    } catch (GgufFormatException e) { // names the file and what is wrong in it
      return new CachedHeader(size, modified, Optional.empty(), Optional.of(e.getMessage()));
    } catch (IOException e) { // whose message is often the path alone (AccessDeniedException)
      return new CachedHeader(size, modified, Optional.empty(), Optional.of(file + " cannot be read: " + why(e)));
    } catch (RuntimeException e) { // a header the reader fails on is this file's problem, not every listing's
      return new CachedHeader(size, modified, Optional.empty(), Optional.of(file + " cannot be read: " + e));
    }
  }

  private record Listing(FileTime directoryModified, boolean reusable, List<ModelEntry> models) {}

  private record CachedHeader(long size, FileTime modified, Optional<GgufMetadata> metadata, Optional<String> problem) {}
}
