package dev.nm.routes.models;

import dev.nm.routes.backend.LoadOptions;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A model the {@link ModelManager} holds loaded.
 *
 * @param activeRequests generations running on it now
 */
public record LoadedModel(
    String id, Path path, LoadOptions options, Instant loadedAt, Instant lastUsedAt, int activeRequests) {}
