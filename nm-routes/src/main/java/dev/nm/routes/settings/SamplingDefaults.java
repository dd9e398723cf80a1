package dev.nm.routes.settings;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.nm.routes.backend.SamplingParams;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;

/**
 * Sampling parameters a caller may set as defaults (globally or per session) or send with a request; a
 * {@code null} field is unset. Ranges follow OpenAI's where it has one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SamplingDefaults(
    @DecimalMin("0") @DecimalMax("2") Double temperature,
    @DecimalMin("0") @DecimalMax("1") Double topP,
    @Min(0) @Max(1000) Integer topK,
    @DecimalMin("0") @DecimalMax("1") Double minP,
    @DecimalMin("0") @DecimalMax("2") Double repeatPenalty,
    @DecimalMin("-2") @DecimalMax("2") Double presencePenalty,
    @DecimalMin("-2") @DecimalMax("2") Double frequencyPenalty,
    @Min(0) @Max(Integer.MAX_VALUE) Long seed,
    @Min(1) @Max(32768) Integer maxTokens) {

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
        temperature, topP, topK, minP, repeatPenalty, presencePenalty, frequencyPenalty, seed, stop, maxTokens);
  }
}
