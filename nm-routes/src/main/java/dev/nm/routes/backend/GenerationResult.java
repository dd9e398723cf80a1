package dev.nm.routes.backend;

import java.util.Objects;

/**
 * The outcome of one generation.
 *
 * @param text the generated text, stop sequence excluded
 * @param promptTokens tokens the prompt occupied
 * @param completionTokens tokens the model sampled
 */
public record GenerationResult(String text, FinishReason finishReason, int promptTokens, int completionTokens) {
  public GenerationResult {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(finishReason, "finishReason");
  }
}
