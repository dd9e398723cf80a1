package dev.nm.routes.embeddings;

import ai.onnxruntime.OrtException;
import dev.nm.route.RouteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link EmbeddingBackend}: ONNX Runtime on the CPU, over the embedding models in a models
 * directory. Each model is a subdirectory holding {@code model.onnx} and {@code tokenizer.json} (and optionally
 * an {@code nm-model.json}, see {@link EmbeddingModelConfig}); the directory's name is the model's name, whatever
 * it holds ({@code all-MiniLM-L6-v2 (copy)}), unless it starts with a dot ({@link #isModelName}). A
 * model is loaded on its first request (or by {@link #load}) and then shared by every caller until it is
 * unloaded; unloading waits for the calls using it and frees its native memory.
 *
 * <p>ONNX Runtime's native library comes from its jar; nothing is downloaded.
 */
public final class OnnxEmbeddingBackend implements EmbeddingBackend, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OnnxEmbeddingBackend.class);
  /** The model {@code scripts/models/fetch-embedding-model.sh} installs: all-MiniLM-L6-v2, 384 dimensions. */
  public static final String DEFAULT_MODEL = "all-minilm-l6-v2";

  private final Path modelsDir;
  private final Options options;
  private final Clock clock;
  private final Map<String, Resident> loaded = new ConcurrentHashMap<>();
  private final Object loadLock = new Object();

  /**
   * How the backend runs its models.
   *
   * @param threads the threads one inference may use
   * @param maxInputs the most texts one call may embed
   */
  public record Options(int threads, int maxInputs) {
    public Options {
      if (threads < 1 || maxInputs < 1) {
        throw new IllegalArgumentException("threads and maxInputs must be positive");
      }
    }

    /** One thread per available processor, at most 2,048 inputs per call (OpenAI's limit). */
    public static Options defaults() {
      return new Options(Runtime.getRuntime().availableProcessors(), 2048);
    }

    public Options withThreads(int threads) {
      return new Options(threads, maxInputs);
    }

    public Options withMaxInputs(int maxInputs) {
      return new Options(threads, maxInputs);
    }
  }

  public OnnxEmbeddingBackend(Path modelsDir, Options options) {
    this(modelsDir, options, Clock.systemUTC());
  }

  OnnxEmbeddingBackend(Path modelsDir, Options options, Clock clock) {
    this.modelsDir = modelsDir.toAbsolutePath().normalize();
    this.options = options;
    this.clock = clock;
  }

  @Override
  public String defaultModel() {
    return DEFAULT_MODEL;
  }

  @Override
  public List<String> models() {
    if (!Files.isDirectory(modelsDir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(modelsDir)) {
      return entries
          .filter(p -> isModelName(p.getFileName().toString()) && isModelDirectory(p))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the models directory " + modelsDir, e);
    }
  }

  @Override
  public int maxInputs() {
    return options.maxInputs();
  }

  @Override
  public EmbeddingResult embed(String model, List<String> inputs) {
    return embed(model, inputs, () -> false);
  }

  /** Looks for {@code cancelled} before each text it tokenizes and each batch it runs. */
  @Override
  public EmbeddingResult embed(String model, List<String> inputs, BooleanSupplier cancelled) {
    if (inputs.isEmpty() || inputs.size() > options.maxInputs()) {
      throw RouteException.validation(
          "input", "must hold 1 to " + options.maxInputs() + " texts, had " + inputs.size() + "; split it into smaller requests");
    }
    while (true) {
      Resident resident = resident(model);
      resident.lock.readLock().lock();
      try {
        if (resident.closed) {
          continue; // unloaded between the lookup and the lock: load it again
        }
        EmbeddingResult result = resident.model.embed(inputs, cancelled);
        resident.lastUsedAt = clock.instant();
        return result;
      } catch (OrtException e) {
        throw RouteException.backend("embedding model '" + model + "' failed: " + e.getMessage(), e)
            .withDetail("model", model);
      } finally {
        resident.lock.readLock().unlock();
      }
    }
  }

  @Override
  public LoadedEmbeddingModel load(String model) {
    return resident(model).describe();
  }

  @Override
  public boolean unload(String model) {
    Resident resident;
    synchronized (loadLock) {
      resident = loaded.remove(model);
    }
    if (resident == null) {
      return false;
    }
    resident.lock.writeLock().lock();
    try {
      resident.closed = true;
      resident.model.close();
    } catch (OrtException e) {
      throw RouteException.backend("cannot close embedding model '" + model + "': " + e.getMessage(), e)
          .withDetail("model", model);
    } finally {
      resident.lock.writeLock().unlock();
    }
    return true;
  }

  @Override
  public List<LoadedEmbeddingModel> loaded() {
    return loaded.values().stream().map(Resident::describe).sorted(Comparator.comparing(LoadedEmbeddingModel::id)).toList();
  }

  /** Unloads every model unused for longer than {@code idle} and not in use now; returns how many. */
  public int unloadIdle(Duration idle) {
    Instant cutoff = clock.instant().minus(idle);
    int unloaded = 0;
    for (LoadedEmbeddingModel model : loaded()) {
      if (model.activeRequests() == 0 && model.lastUsedAt().isBefore(cutoff) && unload(model.id())) {
        unloaded++;
      }
    }
    return unloaded;
  }

  /** Unloads every model, waiting for the calls using them; one that fails to close does not keep the others. */
  @Override
  public void close() {
    for (String model : List.copyOf(loaded.keySet())) {
      try {
        unload(model);
      } catch (RouteException e) {
        log.warn(e.getMessage(), e);
      }
    }
  }

  private Resident resident(String name) {
    Resident resident = loaded.get(name);
    if (resident != null) {
      return resident;
    }
    Path directory = directoryOf(name);
    if (directory == null || !isModelDirectory(directory)) {
      throw RouteException.notFound("model", name);
    }
    synchronized (loadLock) {
      resident = loaded.get(name);
      if (resident == null) {
        try {
          long size = Files.size(directory.resolve(OnnxEmbeddingModel.MODEL_FILE)); // before the session: it would leak
          OnnxEmbeddingModel model = OnnxEmbeddingModel.load(name, directory, options.threads());
          resident = new Resident(name, model, size, clock.instant());
        } catch (IOException | OrtException e) {
          throw RouteException.backend(
                  "cannot load embedding model '" + name + "' from " + directory + ": " + e.getMessage()
                      + "; reinstall it with scripts/models/fetch-embedding-model.sh",
                  e)
              .withDetail("model", name);
        }
        loaded.put(name, resident);
      }
      return resident;
    }
  }

  /** A loaded model; its lock is held shared by each call using it and exclusively by the unload that closes it. */
  private final class Resident {
    final String id;
    final OnnxEmbeddingModel model;
    final long weightBytes;
    final Instant loadedAt;
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    volatile Instant lastUsedAt;
    /** Set under the write lock; read under the read lock. */
    boolean closed;

    Resident(String id, OnnxEmbeddingModel model, long weightBytes, Instant loadedAt) {
      this.id = id;
      this.model = model;
      this.weightBytes = weightBytes;
      this.loadedAt = loadedAt;
      this.lastUsedAt = loadedAt;
    }

    LoadedEmbeddingModel describe() {
      return new LoadedEmbeddingModel(
          id, model.dimensions(), model.maxTokens(), options.threads(), weightBytes, loadedAt, lastUsedAt,
          lock.getReadLockCount());
    }
  }

  /**
   * Whether a directory of that name in the models directory is a model's (given it holds the files): any name
   * but a hidden one (a leading dot, which also keeps out {@code .} and {@code ..}). {@code ModelRegistry} lists
   * embedding models by the same rule.
   */
  public static boolean isModelName(String name) {
    return !name.isEmpty() && !name.startsWith(".");
  }

  /**
   * The directory a model name stands for: an entry of the models directory itself, never one a separator or
   * {@code ..} would reach; null for a name that is not one. A backslash is a separator on Windows only, and an
   * ordinary character of a directory's name elsewhere, which the listing lists.
   */
  private Path directoryOf(String name) {
    if (!isModelName(name) || name.indexOf('/') >= 0 || name.indexOf(java.io.File.separatorChar) >= 0) {
      return null;
    }
    try {
      Path directory = modelsDir.resolve(name);
      return modelsDir.equals(directory.getParent()) && directory.getFileName().toString().equals(name) ? directory : null;
    } catch (InvalidPathException e) { // a NUL, or a character the platform's paths cannot hold
      return null;
    }
  }

  private static boolean isModelDirectory(Path directory) {
    return Files.isRegularFile(directory.resolve(OnnxEmbeddingModel.MODEL_FILE))
        && Files.isRegularFile(directory.resolve(OnnxEmbeddingModel.TOKENIZER_FILE));
  }
}
