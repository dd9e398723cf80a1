package dev.nm.routes.models;

import dev.nm.routes.backend.LoadOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * A model the {@link ModelManager} holds loaded.
 *
 * @param memory the lower bound on its memory checked before it was loaded
 * @param residentBytes the memory its engine holds now, where that can be measured
 *     ({@link dev.nm.routes.backend.GenerationModel#residentBytes()})
 * @param activeRequests generations running on it now
 */
public record LoadedModel(
    String id,
    Path path,
    LoadOptions options,
    MemoryEstimate memory,
    OptionalLong residentBytes,
    Instant loadedAt,
    Instant lastUsedAt,
    int activeRequests) {}
