package dev.nm.routes.generation;

import dev.nm.routes.backend.GenerationResult;

/** A finished generation and the model that produced it. */
public record Completion(String model, GenerationResult result) {}
