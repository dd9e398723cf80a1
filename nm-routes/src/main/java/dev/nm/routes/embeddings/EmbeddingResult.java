package dev.nm.routes.embeddings;

import java.util.List;
import java.util.Objects;

/**
 * The vectors of one {@link EmbeddingBackend#embed} call.
 *
 * @param model the model that produced them
 * @param vectors one vector per input, in input order; callers must not modify them
 * @param promptTokens how many tokens the model read for all inputs together, special tokens included
 */
public record EmbeddingResult(String model, List<float[]> vectors, int promptTokens) {
  public EmbeddingResult {
    Objects.requireNonNull(model, "model");
    vectors = List.copyOf(vectors);
  }
}
