package dev.nm.host.cli;

import dev.nm.host.HostConfig;
import dev.nm.host.HostEnvironment;
import dev.nm.host.HostModule;
import dev.nm.host.HostPaths;
import dev.nm.host.HostStatus;
import dev.nm.host.NativeMessagingServer;
import dev.nm.route.Services;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference host assembled from what is installed: the policy in {@code config.json}, the services of
 * every {@link HostModule} and the routes of every route table on the class path. Closing it closes the
 * server, then the modules' resources in reverse order.
 */
final class ReferenceHost implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReferenceHost.class);

  private final NativeMessagingServer server;
  private final Deque<AutoCloseable> resources;

  private ReferenceHost(NativeMessagingServer server, Deque<AutoCloseable> resources) {
    this.server = server;
    this.resources = resources;
  }

  static ReferenceHost start(HostPaths paths, HostStatus.Mode mode) throws Exception {
    HostConfig config = HostConfig.load(paths.configFile());
    HostPaths effective = config.modelsDir() == null ? paths : paths.withModelsDir(Path.of(config.modelsDir()));
    String version = NmHostVersion.get();
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    HostEnvironment environment = new Environment(effective, version, resources);
    Services.Builder services = Services.builder();
    ClassLoader loader = ReferenceHost.class.getClassLoader();
    try {
      for (HostModule module : ServiceLoader.load(HostModule.class, loader)) {
        module.configure(environment, services);
        LOG.debug("configured host module {}", module.getClass().getName());
      }
      NativeMessagingServer server = NativeMessagingServer.builder()
          .routesFromClassPath(loader)
          .services(services.build())
          .config(config)
          .paths(effective)
          .hostVersion(version)
          .mode(mode)
          .build();
      return new ReferenceHost(server, resources);
    } catch (Exception | Error e) {
      closeAll(resources);
      throw e;
    }
  }

  NativeMessagingServer server() {
    return server;
  }

  @Override
  public void close() {
    server.close();
    closeAll(resources);
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
    AutoCloseable resource;
    while ((resource = resources.pollFirst()) != null) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", resource, e);
      }
    }
  }

  /** Resources are pushed to the front, so closing from the front runs in reverse registration order. */
  private record Environment(HostPaths paths, String hostVersion, Deque<AutoCloseable> resources)
      implements HostEnvironment {
    @Override
    public void closeOnShutdown(AutoCloseable resource) {
      resources.addFirst(resource);
    }
  }
}
