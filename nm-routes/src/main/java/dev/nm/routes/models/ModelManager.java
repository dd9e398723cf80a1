package dev.nm.routes.models;

import dev.nm.routes.backend.BackendException;
import dev.nm.routes.backend.GenerationBackend;
import dev.nm.routes.backend.GenerationModel;
import dev.nm.routes.backend.LoadOptions;
import dev.nm.routes.gguf.GgufMetadata;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps generation models loaded for every connection of a host: loads a model on first use or on request,
 * shares it, unloads it on request or after it has been idle for {@link ModelSettings#idleUnload()}. A load
 * that would not fit in the available memory is refused. Loading one model never blocks the use of another.
 * Loads run on a thread of their own, so that a caller can stop waiting for one (a stopped generation) while it
 * goes on for the others. Thread-safe.
 */
public final class ModelManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelManager.class);
  private static final long ABANDON_POLL_MILLIS = 10;
  private static final boolean MAPPED_PAGES_COUNT_AS_AVAILABLE =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");

  private final ModelRegistry registry;
  private final GenerationBackend backend;
  private final ModelSettings settings;
  private final LongSupplier availableMemory;
  private final Clock clock;
  private final Map<String, CompletableFuture<Resident>> residents = new ConcurrentHashMap<>();
  /** Why each model's latest load failed in its backend, until one succeeds: health's ready probe reports it. */
  private final Map<String, String> loadFailures = new ConcurrentHashMap<>();
  private final ExecutorService loader = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "nm-model-load");
    thread.setDaemon(true);
    return thread;
  });
  /** The estimates of the loads in progress. Guarded by this. */
  private long reservedBytes;

  /**
   * @param availableMemory bytes of memory available for a new model now (OSHI's {@code GlobalMemory.getAvailable})
   */
  public ModelManager(
      ModelRegistry registry, GenerationBackend backend, ModelSettings settings, LongSupplier availableMemory, Clock clock) {
    this.registry = registry;
    this.backend = backend;
    this.settings = settings;
    this.availableMemory = availableMemory;
    this.clock = clock;
  }

  public ModelRegistry registry() {
    return registry;
  }

  public String backendName() {
    return backend.name();
  }

  /**
   * Loads the model with the host's settings if it is not loaded yet; concurrent callers share one load. An
   * explicit load counts as a use: the model's idle time starts again.
   *
   * @throws ModelNotFoundException if the directory has no generation model of that id
   * @throws InsufficientMemoryException if it would not fit in the available memory
   * @throws BackendException if the file is not a model the backend can load
   */
  public LoadedModel load(String id) {
    return load(id, LoadRequest.SETTINGS, () -> false).orElseThrow(ModelManager::interrupted);
  }

  /**
   * Loads the model as {@code request} asks if it is not loaded yet, as {@link #load(String)} does; empty if
   * {@code abandoned} said so before the load ended (the load goes on).
   *
   * @throws LoadRequestException if the model is loaded with other options than {@code request} names, or if
   *     they do not suit the model
   */
  public Optional<LoadedModel> load(String id, LoadRequest request, BooleanSupplier abandoned) {
    if (request != LoadRequest.SETTINGS) {
      // Refused before it is shared: a chat waiting for this load must not fail for options it did not ask for.
      ModelEntry entry = generationModel(id);
      entry.metadata().ifPresent(metadata -> request.options(entry, metadata, settings));
    }
    Optional<Resident> entered = enter(id, request, abandoned);
    if (entered.isEmpty()) {
      return Optional.empty();
    }
    Resident resident = entered.get();
    resident.leave(clock.millis()); // described after: the caller is no use of it, and it was used now
    request.requireMatches(id, resident.model.options());
    return Optional.of(resident.describe());
  }

  /**
   * Runs {@code work} on the model, loading it first if needed. The model stays loaded while work runs, unless
   * it is unloaded explicitly, which cancels the work's generations.
   */
  public <T> T use(String id, Function<GenerationModel, T> work) {
    return use(id, () -> false, work).orElseThrow(ModelManager::interrupted);
  }

  private static CancellationException interrupted() {
    return new CancellationException("interrupted while the model loaded");
  }

  /**
   * As {@link #use(String, Function)}, but stops waiting for the model's load as soon as {@code abandoned} says
   * so (asked every {@value #ABANDON_POLL_MILLIS} ms), and then runs nothing and returns empty. The load goes on
   * for the others who wait for it, and the model stays loaded.
   */
  public <T> Optional<T> use(String id, BooleanSupplier abandoned, Function<GenerationModel, T> work) {
    Optional<Resident> entered = enter(id, LoadRequest.SETTINGS, abandoned);
    if (entered.isEmpty()) {
      return Optional.empty();
    }
    Resident resident = entered.get();
    try {
      return Optional.of(work.apply(resident.model));
    } finally {
      resident.leave(clock.millis());
    }
  }

  /** Begins a use of the model, loading it first if needed; empty if abandoned while it loaded. */
  private Optional<Resident> enter(String id, LoadRequest request, BooleanSupplier abandoned) {
    while (true) {
      Optional<Resident> resident = resident(id, request, abandoned);
      if (resident.isEmpty() || resident.get().enter()) {
        return resident;
      }
      Thread.onSpinWait(); // the idle unloader took it a moment ago and is removing it: load it anew
    }
  }

  /**
   * Why the model's latest load failed in its backend (an engine that cannot start, a file it cannot load, too little
   * memory), if it did and none has succeeded since; empty otherwise.
   */
  public Optional<String> lastLoadFailure(String id) {
    return Optional.ofNullable(loadFailures.get(id));
  }

  /** Unloads the model, cancelling its generations in progress; false if it was not loaded. */
  public boolean unload(String id) {
    CompletableFuture<Resident> loading = residents.remove(id);
    if (loading == null) {
      return false;
    }
    Optional<Resident> resident = await(loading);
    resident.ifPresent(Resident::close);
    return resident.isPresent();
  }

  /** The models loaded now, sorted by id. */
  public List<LoadedModel> loaded() {
    return usableResidents().map(Resident::describe).sorted(Comparator.comparing(LoadedModel::id)).toList();
  }

  /** The models whose load has ended and whose engine still serves. */
  private Stream<Resident> usableResidents() {
    return residents.values().stream()
        .filter(loading -> loading.isDone() && !loading.isCompletedExceptionally())
        .map(CompletableFuture::join)
        .filter(resident -> resident.model.isUsable());
  }

  /**
   * What the model's engine holds now, measured where that can be told apart
   * ({@link GenerationModel#residentBytes()}, a read of the engine process's state); empty if it is not loaded.
   * Asked by the routes that report it only, not by {@link #loaded()}, which {@code health} calls.
   */
  public OptionalLong residentBytes(String id) {
    CompletableFuture<Resident> loading = residents.get(id);
    if (loading == null || !loading.isDone() || loading.isCompletedExceptionally()) {
      return OptionalLong.empty();
    }
    return loading.join().model.residentBytes();
  }

  /** Unloads every model unused for longer than the idle limit and not in use; returns how many. */
  public int unloadIdle() {
    if (settings.idleUnload().isZero()) {
      return 0;
    }
    long cutoff = clock.millis() - settings.idleUnload().toMillis();
    int unloaded = 0;
    for (Map.Entry<String, CompletableFuture<Resident>> entry : residents.entrySet()) {
      CompletableFuture<Resident> loading = entry.getValue();
      if (!loading.isDone() || loading.isCompletedExceptionally()) {
        continue;
      }
      Resident resident = loading.join();
      // Retired only if no use has begun, checked and decided under the lock a use takes to begin; and only
      // this load of the model, not one that has replaced it since.
      if (resident.retireIfIdleSince(cutoff) && residents.remove(entry.getKey(), loading)) {
        resident.close();
        unloaded++;
      }
    }
    return unloaded;
  }

  /** Unloads every model, a load in progress once it ends; a load asked for afterwards fails. */
  @Override
  public void close() {
    loader.shutdown(); // first: every load accepted before is in residents already
    for (String id : List.copyOf(residents.keySet())) {
      try {
        unload(id);
      } catch (RuntimeException e) {
        log.warn("unloading '{}' failed", id, e);
      }
    }
  }

  private Optional<Resident> resident(String id, LoadRequest request, BooleanSupplier abandoned) {
    CompletableFuture<Resident> mine = new CompletableFuture<>();
    CompletableFuture<Resident> existing;
    while ((existing = residents.putIfAbsent(id, mine)) != null) {
      Optional<Resident> waited = awaitLoad(existing, abandoned);
      if (waited.isEmpty()) {
        return waited;
      }
      Resident resident = waited.get();
      if (resident.model.isUsable()) {
        return waited;
      }
      // Its engine is gone (a crashed engine process): the first caller to see it drops it, and one loads it anew.
      if (residents.remove(id, existing)) {
        log.warn("'{}' can no longer serve ({}); loading it again", id, resident.model);
        resident.close();
      }
    }
    try {
      loader.execute(() -> {
        try {
          mine.complete(loadNow(id, request));
          loadFailures.remove(id);
        } catch (Throwable e) { // an Error too: the callers waiting for this load must not wait forever
          if (e instanceof BackendException || e instanceof Error) {
            loadFailures.put(id, e.getMessage() == null ? e.toString() : e.getMessage());
          }
          fail(id, mine, e);
          if (e instanceof Error) {
            log.error("loading '{}' failed", id, e);
          } else {
            log.debug("loading '{}' failed: {}", id, e.getMessage()); // the callers still waiting are told
          }
        }
      });
    } catch (RejectedExecutionException e) {
      fail(id, mine, new IllegalStateException("the host is shutting down; '" + id + "' is not loaded", e));
    }
    return awaitLoad(mine, abandoned);
  }

  private void fail(String id, CompletableFuture<Resident> loading, Throwable failure) {
    residents.remove(id, loading);
    loading.completeExceptionally(failure);
  }

  /** The load's model; empty if {@code abandoned} said so first. Rethrows what the load threw. */
  private static Optional<Resident> awaitLoad(CompletableFuture<Resident> loading, BooleanSupplier abandoned) {
    while (true) {
      try {
        return Optional.of(loading.get(ABANDON_POLL_MILLIS, TimeUnit.MILLISECONDS));
      } catch (TimeoutException e) {
        if (abandoned.getAsBoolean()) {
          return Optional.empty();
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw (RuntimeException) e.getCause();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  private ModelEntry generationModel(String id) {
    return registry
        .find(id, ModelKind.GENERATION)
        .orElseThrow(() -> new ModelNotFoundException(id, ModelKind.GENERATION, registry.directory()));
  }

  private Resident loadNow(String id, LoadRequest request) {
    ModelEntry entry = generationModel(id);
    // A file with a problem is not loaded, though its header may read (a split model's second part).
    GgufMetadata metadata = entry.metadata()
        .filter(readable -> entry.problem().isEmpty())
        .orElseThrow(() -> new BackendException(entry.problem().orElseThrow()));
    LoadOptions options = request.options(entry, metadata, settings);
    MemoryEstimate estimate = MemoryEstimate.of(metadata, options.contextSize());
    reserve(id, estimate);
    try {
      long started = System.nanoTime();
      GenerationModel model = backend.load(entry.path(), options);
      log.info("loaded '{}' with {} in {} ms", id, options, (System.nanoTime() - started) / 1_000_000);
      return new Resident(entry, model, estimate, clock.instant(), clock.millis());
    } finally {
      synchronized (this) {
        reservedBytes -= estimate.totalBytes();
      }
    }
  }

  /**
   * Holds the model's estimate against the available memory until its load ends: the system counts a model's
   * memory only as it loads, so two loads at once would otherwise each see room for itself alone. On Linux the
   * weights of the models loaded are set aside too: llama.cpp maps them from their files, and Linux's available
   * memory counts mapped file pages (page cache), though evicting them would have every token read them again.
   * (macOS and Windows count pages in use as used.)
   */
  private synchronized void reserve(String id, MemoryEstimate estimate) {
    long available = availableMemory.getAsLong() - reservedBytes - (MAPPED_PAGES_COUNT_AS_AVAILABLE ? loadedWeightBytes() : 0);
    if (estimate.totalBytes() > available) {
      throw new InsufficientMemoryException(id, estimate, Math.max(0, available));
    }
    reservedBytes += estimate.totalBytes();
  }

  private long loadedWeightBytes() {
    return usableResidents().mapToLong(resident -> resident.memory.weightBytes()).sum();
  }

  private static Optional<Resident> await(CompletableFuture<Resident> loading) {
    try {
      return Optional.of(loading.join());
    } catch (CompletionException e) {
      return Optional.empty();
    }
  }

  private final class Resident {
    final ModelEntry entry;
    final GenerationModel model;
    final MemoryEstimate memory;
    final Instant loadedAt;
    final AtomicInteger active = new AtomicInteger();
    volatile long lastUsedMillis;
    // Guarded by this: set once the idle unloader has taken the model; no use begins after it.
    private boolean retired;

    Resident(ModelEntry entry, GenerationModel model, MemoryEstimate memory, Instant loadedAt, long lastUsedMillis) {
      this.entry = entry;
      this.model = model;
      this.memory = memory;
      this.loadedAt = loadedAt;
      this.lastUsedMillis = lastUsedMillis;
    }

    /** Begins a use; false if the model has been retired. */
    synchronized boolean enter() {
      if (retired) {
        return false;
      }
      active.incrementAndGet();
      return true;
    }

    void leave(long nowMillis) {
      lastUsedMillis = nowMillis;
      active.decrementAndGet();
    }

    synchronized boolean retireIfIdleSince(long cutoffMillis) {
      if (active.get() == 0 && lastUsedMillis < cutoffMillis) {
        retired = true;
      }
      return retired;
    }

    LoadedModel describe() {
      return new LoadedModel(
          entry.id(), entry.path(), model.options(), memory, loadedAt, Instant.ofEpochMilli(lastUsedMillis), active.get());
    }

    void close() {
      model.close();
      log.info("unloaded '{}'", entry.id());
    }
  }
}
