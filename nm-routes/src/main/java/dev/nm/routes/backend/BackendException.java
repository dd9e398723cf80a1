package dev.nm.routes.backend;

/** The engine failed: a file it cannot load, a request it refuses, an internal error. */
public class BackendException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BackendException(String message) {
    super(message);
  }

  public BackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
