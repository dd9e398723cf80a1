package dev.nm.host;

/** What a {@link HostModule} may know about the host it configures. */
public interface HostEnvironment {
  HostPaths paths();

  /** Host version, e.g. {@code 0.1.0}. */
  String hostVersion();

  /** Registers a resource to close, in reverse order of registration, when the host shuts down. */
  void closeOnShutdown(AutoCloseable resource);

  /**
   * Registers work that readies what the first requests will need (files they read, caches they fill) and
   * changes nothing a request can observe. A resident host runs each task once, on a background thread, after
   * it starts listening; a host that serves one port and exits does not run them.
   */
  void warmUpWith(Runnable task);
}
