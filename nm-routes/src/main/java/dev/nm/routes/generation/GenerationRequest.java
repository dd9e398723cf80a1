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
 * @param outputSchema the JSON Schema the text must match; null for free text
 */
public record GenerationRequest(
    String model, Prompt prompt, SamplingDefaults sampling, List<String> stop, String sessionId, OutputSchema outputSchema) {
  public GenerationRequest {
    Objects.requireNonNull(prompt, "prompt");
    sampling = sampling == null ? SamplingDefaults.NONE : sampling;
    stop = stop == null ? List.of() : List.copyOf(stop);
  }

  /** A generation of free text. */
  public GenerationRequest(String model, Prompt prompt, SamplingDefaults sampling, List<String> stop, String sessionId) {
    this(model, prompt, sampling, stop, sessionId, null);
  }

  /**
   * A JSON Schema that a generation's text must match, and the request field that gave it.
   *
   * @param json the schema as JSON text
   * @param field where the request gave it, blamed when the engine cannot keep to it
   */
  public record OutputSchema(String json, String field) {
    public OutputSchema {
      Objects.requireNonNull(json, "json");
      Objects.requireNonNull(field, "field");
    }
  }
}
