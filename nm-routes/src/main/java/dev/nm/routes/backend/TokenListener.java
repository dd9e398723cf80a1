package dev.nm.routes.backend;

/** Receives generated text as it is decoded, piece by piece; the pieces concatenate to the final text. */
@FunctionalInterface
public interface TokenListener {
  TokenListener NONE = text -> {};

  /** Called on the generating thread with a non-empty piece of text. */
  void onText(String text);
}
