package dev.nm.routes.models;

import java.util.Locale;

/** What a model in the models directory is for. */
public enum ModelKind {
  /** A GGUF file: chat, completions, responses. */
  GENERATION,
  /** A directory holding {@code model.onnx} and {@code tokenizer.json}: embeddings. */
  EMBEDDING;

  /** The wire value: {@code generation}, {@code embedding}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
