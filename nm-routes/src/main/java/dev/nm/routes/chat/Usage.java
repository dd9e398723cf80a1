package dev.nm.routes.chat;

import dev.nm.routes.backend.GenerationResult;

/**
 * OpenAI's token accounting of one call ({@code CompletionUsage}, which chat and completions share).
 *
 * @param promptTokensDetails the prompt tokens served from a prompt cache: none, nm's engine evaluates every prompt
 *     whole (llama.cpp's {@code cache_prompt} off)
 * @param completionTokensDetails the completion tokens spent reasoning: none, the completion is the answer
 */
public record Usage(
    int promptTokens,
    int completionTokens,
    int totalTokens,
    PromptTokensDetails promptTokensDetails,
    CompletionTokensDetails completionTokensDetails) {
  static Usage of(GenerationResult result) {
    return new Usage(
        result.promptTokens(), result.completionTokens(), result.promptTokens() + result.completionTokens(),
        new PromptTokensDetails(0), new CompletionTokensDetails(0));
  }

  public record PromptTokensDetails(int cachedTokens) {}

  public record CompletionTokensDetails(int reasoningTokens) {}
}
