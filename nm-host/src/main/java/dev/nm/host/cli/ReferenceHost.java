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
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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
  private final List<Runnable> warmUps;

  private ReferenceHost(NativeMessagingServer server, Deque<AutoCloseable> resources, List<Runnable> warmUps) {
    this.server = server;
    this.resources = resources;
    this.warmUps = warmUps;
  }

  static ReferenceHost start(HostPaths paths, HostStatus.Mode mode) throws Exception {
    HostConfig config = HostConfig.load(paths.configFile());
    HostPaths effective = config.modelsDir() == null ? paths : paths.withModelsDir(Path.of(config.modelsDir()));
    String version = NmHostVersion.get();
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    List<Runnable> warmUps = new ArrayList<>();
    HostEnvironment environment = new Environment(effective, version, resources, warmUps);
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
      return new ReferenceHost(server, resources, warmUps);
    } catch (Exception | Error e) {
      closeAll(resources);
      throw e;
    }
  }

  NativeMessagingServer server() {
    return server;
  }

  /**
   * Warms the server up ({@link NativeMessagingServer#warmUp}), then runs the modules' warm-up tasks; a task
   * that fails is logged and skipped, since its request will do the same work and report the failure itself.
   */
  void warmUp(int rounds) {
    server.warmUp(rounds);
    for (Runnable task : warmUps) {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.debug("a host module's warm-up failed: {}", e.toString());
      }
    }
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
  private record Environment(
      HostPaths paths, String hostVersion, Deque<AutoCloseable> resources, List<Runnable> warmUps)
      implements HostEnvironment {
    @Override
    public void closeOnShutdown(AutoCloseable resource) {
      resources.addFirst(resource);
    }

    @Override
    public void warmUpWith(Runnable task) {
      warmUps.add(task);
    }
  }
}
