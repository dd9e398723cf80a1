package dev.nm.routes.manage;

import dev.nm.routes.models.LoadedModel;

/**
 * A loaded model.
 *
 * @param contextSize context tokens of the whole model; each slot gets {@code context_size / slots}
 * @param slots generations it serves at once
 * @param loadedAt and {@code last_used_at}: ISO-8601 instants
 */
public record LoadedModelView(
    String id, int contextSize, int slots, int threads, String loadedAt, String lastUsedAt, int activeRequests) {
  static LoadedModelView of(LoadedModel m) {
    return new LoadedModelView(
        m.id(), m.options().contextSize(), m.options().parallelSlots(), m.options().threads(), m.loadedAt().toString(),
        m.lastUsedAt().toString(), m.activeRequests());
  }
}
