package dev.nm.routes.backend;

/** A prompt does not fit, with room for at least one generated token, in the context of one slot. */
public final class ContextOverflowException extends BackendException {
  private static final long serialVersionUID = 1L;
  private final int promptTokens;
  private final int contextSize;

  public ContextOverflowException(int promptTokens, int contextSize) {
    super("the prompt is " + promptTokens + " tokens but the model's context holds " + contextSize
        + " per request; shorten the prompt or load the model with a larger context");
    this.promptTokens = promptTokens;
    this.contextSize = contextSize;
  }

  public int promptTokens() {
    return promptTokens;
  }

  public int contextSize() {
    return contextSize;
  }
}
