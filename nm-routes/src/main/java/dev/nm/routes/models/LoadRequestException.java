package dev.nm.routes.models;

/** A {@link LoadRequest} the model cannot be loaded with, or is loaded otherwise than it asks. */
public final class LoadRequestException extends RuntimeException {
  private final String option;

  LoadRequestException(String option, String message) {
    super(message);
    this.option = option;
  }

  /** The option at fault, as {@code load_model} names it. */
  public String option() {
    return option;
  }
}
