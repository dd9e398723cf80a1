package dev.nm.routes.embeddings;

import java.time.Instant;

/**
 * An embedding model an {@link EmbeddingBackend} holds loaded.
 *
 * @param maxTokens the most tokens of one input the model reads
 * @param threads the threads one inference may use
 * @param memoryBytes a lower bound on its memory: the size of its weights file
 * @param activeRequests calls embedding with it now
 */
public record LoadedEmbeddingModel(
    String id, int dimensions, int maxTokens, int threads, long memoryBytes, Instant loadedAt, Instant lastUsedAt,
    int activeRequests) {}
