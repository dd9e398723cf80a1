package dev.nm.routes.models;

import dev.nm.routes.backend.BackendException;
import dev.nm.routes.backend.LoadOptions;
import dev.nm.routes.gguf.GgufMetadata;

/**
 * How a caller of {@code load_model} asks for a generation model to be loaded; each null field takes the host's
 * {@link ModelSettings}. A model loaded so keeps these options until it is unloaded: its next load on first use
 * takes the settings again.
 *
 * @param contextSize context tokens of the whole model, shared by its slots
 * @param slots generations served at once
 * @param threads CPU threads
 */
public record LoadRequest(Integer contextSize, Integer slots, Integer threads) {
  /** Everything as the host's settings say. */
  public static final LoadRequest SETTINGS = new LoadRequest(null, null, null);

  /**
   * The options to load {@code entry} with. Without a context size each slot gets the configured context, or the
   * model's trained length if that is shorter (the slots are separate sequences: their total may exceed it).
   *
   * @throws BackendException if the model's trained context is too short for llama.cpp
   * @throws LoadRequestException if the context size asked for gives a slot fewer than 16 tokens or more than
   *     the model was trained on
   */
  LoadOptions options(ModelEntry entry, GgufMetadata metadata, ModelSettings settings) {
    long trained = metadata.contextLength().orElse(Long.MAX_VALUE);
    if (trained < 16) {
      throw new BackendException(
          entry.path() + " declares a context length of " + trained + " tokens; llama.cpp needs at least 16");
    }
    int slotCount = slots != null ? slots : settings.parallelSlots();
    int threadCount = threads != null ? threads : settings.threads();
    if (contextSize == null) {
      long perSlot = Math.min(settings.contextPerSlot(), trained);
      return new LoadOptions((int) Math.min(Integer.MAX_VALUE, perSlot * slotCount), threadCount, slotCount);
    }
    long perSlot = contextSize / slotCount;
    if (perSlot < 16) {
      throw new LoadRequestException(
          "context_size",
          contextSize + " tokens over " + slotCount + " slots leaves " + perSlot
              + " to a generation; llama.cpp needs at least 16 each");
    }
    if (perSlot > trained) {
      throw new LoadRequestException(
          "context_size",
          "'" + entry.id() + "' was trained on a context of " + trained + " tokens; with " + slotCount + " slots"
              + " context_size can be at most " + trained * slotCount);
    }
    return new LoadOptions(contextSize, threadCount, slotCount);
  }

  /**
   * Checks that a model loaded with {@code loaded} is what this request asks for.
   *
   * @throws LoadRequestException naming the first option that differs
   */
  void requireMatches(String id, LoadOptions loaded) {
    requireSame(id, "context_size", contextSize, loaded.contextSize());
    requireSame(id, "slots", slots, loaded.parallelSlots());
    requireSame(id, "threads", threads, loaded.threads());
  }

  private static void requireSame(String id, String option, Integer asked, int loaded) {
    if (asked != null && asked != loaded) {
      throw new LoadRequestException(
          option,
          "'" + id + "' is loaded already with " + option + " " + loaded + "; unload_model it first to load it with "
              + asked);
    }
  }
}
