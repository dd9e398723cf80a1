package dev.nm.routes.backend;

import java.util.Locale;

/** Why a generation ended. */
public enum FinishReason {
  /** The model emitted its end-of-turn token or a stop sequence. */
  STOP,
  /** The token limit ({@code max_tokens}, or the context) was reached. */
  LENGTH,
  /** The caller cancelled. */
  CANCELLED;

  /** The OpenAI wire value: {@code stop}, {@code length}, {@code cancelled}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
