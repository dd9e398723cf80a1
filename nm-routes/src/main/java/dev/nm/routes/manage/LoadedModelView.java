package dev.nm.routes.manage;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.nm.routes.embeddings.LoadedEmbeddingModel;
import dev.nm.routes.models.LoadedModel;
import dev.nm.routes.models.ModelKind;
import dev.nm.routes.models.ModelManager;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * A loaded model.
 *
 * @param kind {@code generation} or {@code embedding}
 * @param contextSize context tokens of the whole model (a generation model's slots share it: each gets
 *     {@code context_size / slots}); for an embedding model, the most tokens of one input
 * @param slots generations it serves at once; absent for an embedding model
 * @param memoryBytes a lower bound on its memory, as {@code health} reports it: weights plus KV cache (an
 *     embedding model: its weights)
 * @param residentBytes the memory it holds now, measured: the resident set of the engine process that runs a
 *     generation model; absent where the model shares its process with the host (an embedding model)
 * @param loadedAt and {@code last_used_at}: ISO-8601 instants
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadedModelView(
    String id,
    String kind,
    int contextSize,
    Integer slots,
    int threads,
    long memoryBytes,
    Long residentBytes,
    String loadedAt,
    String lastUsedAt,
    int activeRequests) {
  /** @param residentBytes {@link ModelManager#residentBytes} of the model */
  static LoadedModelView of(LoadedModel m, OptionalLong residentBytes) {
    return new LoadedModelView(
        m.id(), ModelKind.GENERATION.wireName(), m.options().contextSize(), m.options().parallelSlots(),
        m.options().threads(), m.memory().totalBytes(), residentBytes.isPresent() ? residentBytes.getAsLong() : null,
        m.loadedAt().toString(), m.lastUsedAt().toString(), m.activeRequests());
  }

  /** The generation models {@code models} holds loaded, each with what it holds now, measured. */
  static Stream<LoadedModelView> of(ModelManager models) {
    return models.loaded().stream().map(m -> of(m, models.residentBytes(m.id())));
  }

  static LoadedModelView of(LoadedEmbeddingModel m) {
    return new LoadedModelView(
        m.id(), ModelKind.EMBEDDING.wireName(), m.maxTokens(), null, m.threads(), m.memoryBytes(), null,
        m.loadedAt().toString(), m.lastUsedAt().toString(), m.activeRequests());
  }
}
