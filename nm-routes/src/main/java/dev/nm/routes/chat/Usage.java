package dev.nm.routes.chat;

import dev.nm.routes.backend.GenerationResult;

/** OpenAI's token accounting of one call. */
public record Usage(int promptTokens, int completionTokens, int totalTokens) {
  static Usage of(GenerationResult result) {
    return new Usage(result.promptTokens(), result.completionTokens(), result.promptTokens() + result.completionTokens());
  }
}
