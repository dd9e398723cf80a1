package dev.nm.routes.models;

import java.time.Duration;
import java.util.Map;

/**
 * How the host loads generation models. From the environment:
 *
 * <pre>
 * NM_AI_PARALLEL            generations served at once per model (slots)       default 4
 * NM_AI_CONTEXT_PER_SLOT    context tokens per slot (capped by the model's)    default 2048
 * NM_AI_THREADS             CPU threads                                         default: available processors
 * NM_AI_IDLE_UNLOAD_SECONDS unload a model unused this long; 0 never           default 900
 * </pre>
 *
 * A chat model unloaded idle frees its memory because the reference host runs it in an engine process of its
 * own ({@link dev.nm.routes.backend.process.EngineProcessBackend}); its next request loads it again (half a
 * second for the default model).
 */
public record ModelSettings(int parallelSlots, int contextPerSlot, int threads, Duration idleUnload) {
  public ModelSettings {
    if (parallelSlots < 1 || contextPerSlot < 16 || threads < 1 || idleUnload.isNegative()) {
      throw new IllegalArgumentException("invalid model settings " + parallelSlots + "/" + contextPerSlot + "/" + threads + "/" + idleUnload);
    }
  }

  public static ModelSettings fromEnvironment(Map<String, String> env) {
    return new ModelSettings(
        positive(env, "NM_AI_PARALLEL", 4),
        positive(env, "NM_AI_CONTEXT_PER_SLOT", 2048),
        positive(env, "NM_AI_THREADS", Runtime.getRuntime().availableProcessors()),
        Duration.ofSeconds(positive(env, "NM_AI_IDLE_UNLOAD_SECONDS", 900)));
  }

  private static int positive(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a whole number of at least 0, was '" + value + "'");
  }
}
