package dev.nm.routes.gguf;

import java.util.List;

/**
 * An array value of a GGUF header: its element type and length, and its elements only where they were asked for
 * ({@link GgufReader#read(java.nio.file.Path, java.util.Set)}). The reader otherwise skips them: a tokenizer's
 * vocabulary and merges run to tens of thousands of strings.
 *
 * @param elementType the GGUF value type of the elements, e.g. {@code 8} for strings
 * @param elements the values, typed as {@link GgufMetadata} types its single values; empty unless kept
 */
public record GgufArray(int elementType, long length, List<Object> elements) {
  public GgufArray {
    elements = List.copyOf(elements);
  }
}
