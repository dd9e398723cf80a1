package dev.nm.host.install;

/** An install, uninstall or doctor request that cannot be carried out; the message says why and what to do. */
public final class InstallException extends RuntimeException {
  public InstallException(String message) {
    super(message);
  }

  public InstallException(String message, Throwable cause) {
    super(message, cause);
  }
}
