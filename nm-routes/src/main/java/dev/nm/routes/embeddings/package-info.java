/**
 * Text embeddings: the {@link dev.nm.routes.embeddings.EmbeddingBackend} SPI, its ONNX Runtime implementation
 * with a pure-Java BERT WordPiece tokenizer, and the host module that registers it.
 */
package dev.nm.routes.embeddings;
