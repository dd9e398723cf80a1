package dev.nm.routes.manage;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.nm.routes.embeddings.LoadedEmbeddingModel;
import dev.nm.routes.models.LoadedModel;
import dev.nm.routes.models.ModelKind;

/**
 * A loaded model.
 *
 * @param kind {@code generation} or {@code embedding}
 * @param contextSize context tokens of the whole model (a generation model's slots share it: each gets
 *     {@code context_size / slots}); for an embedding model, the most tokens of one input
 * @param slots generations it serves at once; absent for an embedding model
 * @param loadedAt and {@code last_used_at}: ISO-8601 instants
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadedModelView(
    String id,
    String kind,
    int contextSize,
    Integer slots,
    int threads,
    String loadedAt,
    String lastUsedAt,
    int activeRequests) {
  static LoadedModelView of(LoadedModel m) {
    return new LoadedModelView(
        m.id(), ModelKind.GENERATION.wireName(), m.options().contextSize(), m.options().parallelSlots(),
        m.options().threads(), m.loadedAt().toString(), m.lastUsedAt().toString(), m.activeRequests());
  }

  static LoadedModelView of(LoadedEmbeddingModel m) {
    return new LoadedModelView(
        m.id(), ModelKind.EMBEDDING.wireName(), m.maxTokens(), null, m.threads(), m.loadedAt().toString(),
        m.lastUsedAt().toString(), m.activeRequests());
  }
}
