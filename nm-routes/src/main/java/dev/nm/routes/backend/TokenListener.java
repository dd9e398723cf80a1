package dev.nm.routes.backend;

import java.util.function.ObjIntConsumer;

/** Receives generated text as it is decoded, piece by piece; the pieces concatenate to the final text. */
@FunctionalInterface
public interface TokenListener {
  TokenListener NONE = text -> {};

  /** Called on the generating thread with a non-empty piece of text. */
  void onText(String text);

  /**
   * Called instead of {@link #onText(String)} by a backend that knows how many tokens gave the piece (more than one
   * where a character's bytes span tokens); by default passes the piece on alone.
   */
  default void onText(String text, int tokens) {
    onText(text);
  }

  /** A listener that takes each piece with its token count: 1 where the backend gives none. */
  static TokenListener counting(ObjIntConsumer<String> pieces) {
    return new TokenListener() {
      @Override
      public void onText(String text) {
        pieces.accept(text, 1);
      }

      @Override
      public void onText(String text, int tokens) {
        pieces.accept(text, tokens);
      }
    };
  }
}
