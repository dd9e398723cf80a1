package dev.nm.routes;

import dev.nm.host.HostPaths;
import dev.nm.route.Services;
import dev.nm.routes.backend.GenerationBackend;
import dev.nm.routes.generation.ActiveGenerations;
import dev.nm.routes.generation.GenerationMetrics;
import dev.nm.routes.generation.GenerationService;
import dev.nm.routes.models.IdleUnloader;
import dev.nm.routes.models.ModelManager;
import dev.nm.routes.models.ModelRegistry;
import dev.nm.routes.models.ModelSettings;
import dev.nm.routes.settings.AiPreferences;
import dev.nm.routes.settings.SettingsStore;
import java.time.Clock;
import java.util.Optional;
import java.util.function.LongSupplier;
import oshi.SystemInfo;
import oshi.hardware.GlobalMemory;

/**
 * The services the AI routes reach through {@code RouteContext.service}: one {@link ModelManager} over one
 * backend, the caller's preferences in SQLite, the registry of running generations, per-model generation
 * metrics. {@link AiModule} builds them for the reference host; an application embedding nm builds them with
 * its own backend:
 *
 * <pre>{@code
 * AiServices ai = AiServices.create(HostPaths.fromEnvironment(), myBackend, ModelSettings.fromEnvironment(System.getenv()));
 * Services services = ai.addTo(Services.builder()).build();
 * }</pre>
 */
public final class AiServices implements AutoCloseable {
  private final ModelManager models;
  private final AvailableMemory memory;
  private final SettingsStore store;
  private final AiPreferences preferences;
  private final ActiveGenerations active = new ActiveGenerations();
  private final GenerationMetrics metrics = new GenerationMetrics();
  private final GenerationService generation;
  private final Optional<IdleUnloader> idleUnloader;

  private AiServices(
      ModelManager models, AvailableMemory memory, SettingsStore store, Optional<IdleUnloader> idleUnloader) {
    this.models = models;
    this.memory = memory;
    this.store = store;
    this.preferences = new AiPreferences(store);
    this.generation = new GenerationService(models, preferences, active, metrics);
    this.idleUnloader = idleUnloader;
  }

  /** Services over the models directory and database of {@code paths}. */
  public static AiServices create(HostPaths paths, GenerationBackend backend, ModelSettings settings) {
    AvailableMemory memory = new AvailableMemory();
    ModelManager models =
        new ModelManager(new ModelRegistry(paths.modelsDir()), backend, settings, memory, Clock.systemUTC());
    Optional<IdleUnloader> idleUnloader = IdleUnloader.start("nm-ai-idle-unload", settings.idleUnload(), models::unloadIdle);
    return new AiServices(models, memory, SettingsStore.open(paths.database()), idleUnloader);
  }

  /**
   * Reads what the first requests read: the header of every model file (cached until the file changes) and
   * the saved choice of default models; and sets up OSHI, which the first model load asks for the memory
   * available. Loads no model. The first {@code models} call of a fresh daemon took
   * 30-80 ms without it, most of it reading headers with code the JIT had not compiled yet.
   */
  public void warmUp() {
    models.registry().list();
    memory.getAsLong();
    generation.defaultModel(); // last: it throws when the settings database cannot be opened
  }

  /** Registers every service in {@code services}. */
  public Services.Builder addTo(Services.Builder services) {
    return services
        .add(ModelManager.class, models)
        .add(ModelRegistry.class, models.registry())
        .add(AiPreferences.class, preferences)
        .add(ActiveGenerations.class, active)
        .add(GenerationService.class, generation)
        .add(GenerationMetrics.class, metrics);
  }

  public ModelManager models() {
    return models;
  }

  public AiPreferences preferences() {
    return preferences;
  }

  public GenerationService generation() {
    return generation;
  }

  public ActiveGenerations active() {
    return active;
  }

  public GenerationMetrics metrics() {
    return metrics;
  }

  /** Stops idle unloading, unloads every model, closes the database. */
  @Override
  public void close() {
    idleUnloader.ifPresent(IdleUnloader::close);
    models.close();
    store.close();
  }

  /**
   * The memory available for a new model, from OSHI, set up on first use rather than at start: OSHI starts JNA,
   * which unpacks its native library, 80 ms of the daemon's start.
   */
  private static final class AvailableMemory implements LongSupplier {
    private volatile GlobalMemory memory;

    @Override
    public long getAsLong() {
      GlobalMemory current = memory;
      if (current == null) {
        synchronized (this) {
          if (memory == null) {
            memory = new SystemInfo().getHardware().getMemory();
          }
          current = memory;
        }
      }
      return current.getAvailable();
    }
  }
}
