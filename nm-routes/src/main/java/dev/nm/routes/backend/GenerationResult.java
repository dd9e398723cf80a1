package dev.nm.routes.backend;

import java.util.Objects;

/**
 * The outcome of one generation.
 *
 * @param text the generated text, stop sequence excluded
 * @param promptTokens tokens the prompt occupied
 * @param completionTokens tokens the model sampled
 * @param timings how long waiting for a slot, prompt processing and decoding took
 */
public record GenerationResult(
    String text, FinishReason finishReason, int promptTokens, int completionTokens, GenerationTimings timings) {
  public GenerationResult {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(timings, "timings");
  }
}
