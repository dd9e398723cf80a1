package dev.nm.routes.embeddings;

import dev.nm.route.RouteException;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Turns text into embedding vectors: the service behind the {@code embeddings} route. The reference host
 * registers {@link OnnxEmbeddingBackend}; an embedding application may register its own implementation under
 * this type instead. Implementations are shared by every connection and must be thread-safe.
 */
public interface EmbeddingBackend {
  /** The model used when a request names none. */
  String defaultModel();

  /** The names of the models this backend can serve, sorted. */
  List<String> models();

  /** The most inputs one {@link #embed} call accepts. */
  int maxInputs();

  /**
   * Embeds each input with {@code model}, loading the model on first use.
   *
   * @param inputs one to {@link #maxInputs()} texts; a text longer than the model's window is truncated
   * @return one vector per input, in order, and the tokens the model read
   * @throws dev.nm.route.RouteException {@code NOT_FOUND} for an unknown model, {@code VALIDATION_ERROR}
   *     (field {@code input}) for too many inputs, {@code BACKEND_ERROR} when the model fails to load or run
   */
  EmbeddingResult embed(String model, List<String> inputs);

  /**
   * As {@link #embed(String, List)}, giving up once {@code cancelled} says so (the call was cancelled, or its port
   * closed) with {@code CANCELLED}. The default asks only before it begins; a backend whose calls take long asks as
   * it goes.
   */
  default EmbeddingResult embed(String model, List<String> inputs, BooleanSupplier cancelled) {
    if (cancelled.getAsBoolean()) {
      throw RouteException.cancelled();
    }
    return embed(model, inputs);
  }

  /**
   * Loads {@code model} now if it is not loaded yet.
   *
   * @throws dev.nm.route.RouteException {@code NOT_FOUND} for an unknown model, {@code BACKEND_ERROR} when it
   *     fails to load
   */
  LoadedEmbeddingModel load(String model);

  /** Unloads {@code model} once the calls using it have finished; false if it was not loaded. */
  boolean unload(String model);

  /** The models loaded now, sorted by id. */
  List<LoadedEmbeddingModel> loaded();
}
