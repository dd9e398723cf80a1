package dev.nm.routes.backend;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the phases of one generation took, measured by the backend around the engine's events.
 *
 * @param queued from the call to {@link GenerationModel#generate} until the engine was given the prompt:
 *     tokenizing the prompt and waiting for a free slot
 * @param prefill from giving the engine the prompt until its first token arrived: prompt processing plus the
 *     sampling of the first token; zero if no token arrived
 * @param decode from the first token's arrival to the last one's: the decoding of every token after the first
 */
public record GenerationTimings(Duration queued, Duration prefill, Duration decode) {
  public GenerationTimings {
    Objects.requireNonNull(queued, "queued");
    Objects.requireNonNull(prefill, "prefill");
    Objects.requireNonNull(decode, "decode");
  }

  /** From the call to generate until the first token arrived. */
  public Duration timeToFirstToken() {
    return queued.plus(prefill);
  }
}
