package dev.nm.routes.backend;

/**
 * How to load a model.
 *
 * @param contextSize tokens of context shared by all slots
 * @param threads CPU threads for prompt processing and decoding
 * @param parallelSlots generations that may run at once; each gets {@code contextSize / parallelSlots} tokens
 */
public record LoadOptions(int contextSize, int threads, int parallelSlots) {
  public LoadOptions {
    if (contextSize < 16) {
      throw new IllegalArgumentException("contextSize must be at least 16, was " + contextSize);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    if (parallelSlots < 1 || parallelSlots > contextSize / 16) {
      throw new IllegalArgumentException(
          "parallelSlots must be between 1 and contextSize / 16, was " + parallelSlots);
    }
  }

  /** Context tokens available to one generation. */
  public int slotContextSize() {
    return contextSize / parallelSlots;
  }
}
