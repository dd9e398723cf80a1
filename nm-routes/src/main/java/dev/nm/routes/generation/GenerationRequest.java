package dev.nm.routes.generation;

import dev.nm.routes.settings.SamplingDefaults;
import java.util.List;
import java.util.Objects;

/**
 * One generation as a route asks for it.
 *
 * @param model the model id, or null for the selected default
 * @param sampling the request's own sampling fields; unset ones fall back to the session's and global defaults
 * @param sessionId groups requests for defaults and for stopping; may be null
 */
public record GenerationRequest(
    String model, Prompt prompt, SamplingDefaults sampling, List<String> stop, String sessionId) {
  public GenerationRequest {
    Objects.requireNonNull(prompt, "prompt");
    sampling = sampling == null ? SamplingDefaults.NONE : sampling;
    stop = stop == null ? List.of() : List.copyOf(stop);
  }
}
