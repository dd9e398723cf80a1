package dev.nm.routes.settings;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.nm.routes.backend.SamplingParams;
import dev.nm.routes.settings.SamplingRanges.MaxTokens;
import dev.nm.routes.settings.SamplingRanges.Penalty;
import dev.nm.routes.settings.SamplingRanges.Probability;
import dev.nm.routes.settings.SamplingRanges.RepeatPenalty;
import dev.nm.routes.settings.SamplingRanges.Seed;
import dev.nm.routes.settings.SamplingRanges.Temperature;
import dev.nm.routes.settings.SamplingRanges.TopK;
import java.util.List;

/**
 * Sampling parameters a caller may set as defaults (globally or per session) or send with a request; a
 * {@code null} field is unset. Ranges: {@link SamplingRanges}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SamplingDefaults(
    @Temperature Double temperature,
    @Probability Double topP,
    @TopK Integer topK,
    @Probability Double minP,
    @RepeatPenalty Double repeatPenalty,
    @Penalty Double presencePenalty,
    @Penalty Double frequencyPenalty,
    @Seed Long seed,
    @MaxTokens Integer maxTokens) {

  public static final SamplingDefaults NONE = new SamplingDefaults(null, null, null, null, null, null, null, null, null);

  /** Each field of this, else of {@code fallback}. */
  public SamplingDefaults or(SamplingDefaults fallback) {
    return new SamplingDefaults(
        temperature != null ? temperature : fallback.temperature,
        topP != null ? topP : fallback.topP,
        topK != null ? topK : fallback.topK,
        minP != null ? minP : fallback.minP,
        repeatPenalty != null ? repeatPenalty : fallback.repeatPenalty,
        presencePenalty != null ? presencePenalty : fallback.presencePenalty,
        frequencyPenalty != null ? frequencyPenalty : fallback.frequencyPenalty,
        seed != null ? seed : fallback.seed,
        maxTokens != null ? maxTokens : fallback.maxTokens);
  }

  /** The backend's parameters: these, with {@code stop}. */
  public SamplingParams toParams(List<String> stop) {
    return new SamplingParams(
        temperature, topP, topK, minP, repeatPenalty, presencePenalty, frequencyPenalty, seed, stop, maxTokens, null);
  }
}
