package dev.nm.routes.gguf;

/**
 * An array value of a GGUF header, summarised by its element type and length: the reader skips the elements
 * (a tokenizer's vocabulary and merges run to tens of thousands of strings).
 *
 * @param elementType the GGUF value type of the elements, e.g. {@code 8} for strings
 */
public record GgufArray(int elementType, long length) {}
