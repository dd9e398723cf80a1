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
    atLeast("parallelSlots", parallelSlots, 1);
    atLeast("contextPerSlot", contextPerSlot, 16);
    atLeast("threads", threads, 1);
    if (idleUnload.isNegative()) {
      throw new IllegalArgumentException("idleUnload must not be negative, was " + idleUnload);
    }
  }

  public static ModelSettings fromEnvironment(Map<String, String> env) {
    return new ModelSettings(
        variable(env, "NM_AI_PARALLEL", 4, 1),
        variable(env, "NM_AI_CONTEXT_PER_SLOT", 2048, 16),
        variable(env, "NM_AI_THREADS", Runtime.getRuntime().availableProcessors(), 1),
        Duration.ofSeconds(variable(env, "NM_AI_IDLE_UNLOAD_SECONDS", 900, 0)));
  }

  private static void atLeast(String name, int value, int least) {
    if (value < least) {
      throw new IllegalArgumentException(name + " must be at least " + least + ", was " + value);
    }
  }

  private static int variable(Map<String, String> env, String name, int fallback, int least) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= least) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a whole number of at least " + least + ", was '" + value + "'");
  }
}
