package dev.nm.routes.models;

import dev.nm.routes.gguf.GgufMetadata;

/**
 * A lower bound on the memory a GGUF model needs once loaded: its weights (the file, or every file of a model split
 * across several: {@link GgufMetadata#withParts}) plus llama.cpp's F16 key and value caches,
 * {@code 2 x layers x context x (embedding / heads x kv_heads) x 2} bytes. Compute buffers come on top.
 */
public record MemoryEstimate(long weightBytes, long kvCacheBytes, int contextSize) {
  private static final int F16_BYTES = 2;

  public static MemoryEstimate of(GgufMetadata model, int contextSize) {
    long layers = model.blockCount().orElse(0L);
    long heads = model.headCount().orElse(1L);
    long kvWidth = heads == 0 ? 0 : model.embeddingLength().orElse(0L) / heads * model.headCountKv().orElse(heads);
    return new MemoryEstimate(model.fileSize(), 2L * layers * contextSize * kvWidth * F16_BYTES, contextSize);
  }

  public long totalBytes() {
    return weightBytes + kvCacheBytes;
  }
}
