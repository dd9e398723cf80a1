package dev.nm.routes.models;

import dev.nm.routes.backend.LoadOptions;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A model the {@link ModelManager} holds loaded.
 *
 * @param memory the lower bound on its memory checked before it was loaded
 * @param activeRequests generations running on it now
 */
public record LoadedModel(
    String id,
    Path path,
    LoadOptions options,
    MemoryEstimate memory,
    Instant loadedAt,
    Instant lastUsedAt,
    int activeRequests) {}
