package dev.nm.routes.embeddings;

import dev.nm.host.HostEnvironment;
import dev.nm.host.HostModule;
import dev.nm.route.Services;
import dev.nm.routes.backend.BundledNativeLibraries;
import dev.nm.routes.models.IdleUnloader;
import dev.nm.routes.models.ModelSettings;
import java.time.Duration;
import java.util.Map;

/**
 * Registers an {@link OnnxEmbeddingBackend} over the host's models directory as the {@link EmbeddingBackend}.
 * Models load on first use, so a host without embedding models starts as fast as one with them.
 *
 * <p>{@code NM_EMBEDDING_THREADS} sets the threads of one inference (default: one per processor),
 * {@code NM_EMBEDDING_MAX_INPUTS} the most texts one call may embed (default 2,048, OpenAI's limit).
 * {@code NM_AI_IDLE_UNLOAD_SECONDS}, the generation models' idle limit ({@link ModelSettings}), applies to
 * embedding models too: one unused that long is unloaded, and its memory freed, until its next request.
 */
public final class EmbeddingsModule implements HostModule {
  public static final String THREADS_ENV = "NM_EMBEDDING_THREADS";
  public static final String MAX_INPUTS_ENV = "NM_EMBEDDING_MAX_INPUTS";

  @Override
  public void configure(HostEnvironment environment, Services.Builder services) {
    BundledNativeLibraries.install(environment.paths().nativeDir());
    OnnxEmbeddingBackend backend = new OnnxEmbeddingBackend(environment.paths().modelsDir(), options(System.getenv()));
    environment.closeOnShutdown(backend);
    Duration idle = ModelSettings.fromEnvironment(System.getenv()).idleUnload();
    IdleUnloader.start("nm-embedding-idle-unload", idle, () -> backend.unloadIdle(idle))
        .ifPresent(environment::closeOnShutdown);
    services.add(EmbeddingBackend.class, backend);
  }

  static OnnxEmbeddingBackend.Options options(Map<String, String> env) {
    OnnxEmbeddingBackend.Options options = OnnxEmbeddingBackend.Options.defaults();
    Integer threads = positive(env, THREADS_ENV);
    if (threads != null) {
      options = options.withThreads(threads);
    }
    Integer maxInputs = positive(env, MAX_INPUTS_ENV);
    if (maxInputs != null) {
      options = options.withMaxInputs(maxInputs);
    }
    return options;
  }

  private static Integer positive(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      int n = Integer.parseInt(value.strip());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a positive integer, was '" + value + "'");
  }
}
