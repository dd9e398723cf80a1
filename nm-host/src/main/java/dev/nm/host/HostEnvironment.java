package dev.nm.host;

/** What a {@link HostModule} may know about the host it configures. */
public interface HostEnvironment {
  HostPaths paths();

  /** Host version, e.g. {@code 0.1.0}. */
  String hostVersion();

  /** Registers a resource to close, in reverse order of registration, when the host shuts down. */
  void closeOnShutdown(AutoCloseable resource);
}
