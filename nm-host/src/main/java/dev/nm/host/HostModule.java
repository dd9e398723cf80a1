package dev.nm.host;

import dev.nm.route.Services;

/**
 * A plug-in that contributes services (backends, stores) to a host, found with {@link java.util.ServiceLoader}
 * by the reference host. {@code nm-routes} registers its AI backends this way; an embedding application that
 * builds its own {@link dev.nm.route.Services} need not use it.
 */
public interface HostModule {
  /**
   * Adds this module's services. Runs once at host start, before any request is served.
   *
   * @param environment the host's paths and configuration, and a place to register what must be closed
   */
  void configure(HostEnvironment environment, Services.Builder services) throws Exception;
}
