package dev.nm.routes.backend;

import java.util.List;

/**
 * How to pick tokens. A {@code null} field means the engine's default. Ranges are checked by the routes.
 *
 * @param maxTokens the most tokens to generate; {@code null} for as many as the context allows
 * @param seed the sampler's seed; {@code null} for a random one
 * @param stop sequences that end the generation; not included in the text
 * @param jsonSchema a JSON Schema, as JSON text, that the text must match (so the text is JSON); {@code null} for
 *     free text. An engine that cannot hold its output to it throws {@link OutputSchemaException}
 */
public record SamplingParams(
    Double temperature,
    Double topP,
    Integer topK,
    Double minP,
    Double repeatPenalty,
    Double presencePenalty,
    Double frequencyPenalty,
    Long seed,
    List<String> stop,
    Integer maxTokens,
    String jsonSchema) {

  public static final SamplingParams DEFAULTS =
      new SamplingParams(null, null, null, null, null, null, null, null, List.of(), null, null);

  public SamplingParams {
    stop = stop == null ? List.of() : List.copyOf(stop);
  }

  /** Greedy decoding: temperature 0, at most {@code maxTokens} tokens. */
  public static SamplingParams greedy(int maxTokens) {
    return new SamplingParams(0.0, null, null, null, null, null, null, null, List.of(), maxTokens, null);
  }

  public SamplingParams withStop(List<String> stop) {
    return new SamplingParams(
        temperature, topP, topK, minP, repeatPenalty, presencePenalty, frequencyPenalty, seed, stop, maxTokens, jsonSchema);
  }

  public SamplingParams withJsonSchema(String jsonSchema) {
    return new SamplingParams(
        temperature, topP, topK, minP, repeatPenalty, presencePenalty, frequencyPenalty, seed, stop, maxTokens, jsonSchema);
  }
}
