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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference host assembled from what is installed: the policy in {@code config.json}, the services of
 * every {@link HostModule} and the routes of every route table on the class path. Closing it closes the
 * server, then the modules' resources in reverse order.
 */
final class ReferenceHost implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReferenceHost.class);
  private static final String CHROME_PREFIX = "chrome-extension://";
  private static final String FIREFOX_PREFIX = "firefox:";

  private final NativeMessagingServer server;
  private final Deque<AutoCloseable> resources;
  private final List<Runnable> warmUps;

  private ReferenceHost(NativeMessagingServer server, Deque<AutoCloseable> resources, List<Runnable> warmUps) {
    this.server = server;
    this.resources = resources;
    this.warmUps = warmUps;
  }

  static ReferenceHost start(HostPaths paths, HostStatus.Mode mode) throws Exception {
    ClassLoader loader = ReferenceHost.class.getClassLoader();
    return start(paths, mode, ServiceLoader.load(HostModule.class, loader), loader);
  }

  /**
   * @param modules iterated on a thread of its own: a {@link ServiceLoader} instantiates each module there
   * @param loader where the route tables are found
   */
  static ReferenceHost start(HostPaths paths, HostStatus.Mode mode, Iterable<HostModule> modules, ClassLoader loader)
      throws Exception {
    paths.createHome();
    HostConfig config = HostConfig.load(paths.configFile());
    HostPaths effective = config.modelsDir() == null ? paths : paths.withModelsDir(paths.home().resolve(config.modelsDir()));
    String version = NmHostVersion.get();
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    List<Runnable> warmUps = new ArrayList<>();
    HostEnvironment environment = new Environment(effective, version, resources, warmUps);
    // The host modules (engines, stores) and the routes (binding, validation) share nothing until the server is
    // built, and each took about a third of the daemon's start: the modules are configured on a thread of their
    // own meanwhile.
    FutureTask<Services> configured = new FutureTask<>(() -> configure(modules, environment));
    Thread configuring = new Thread(configured, "nm-host-modules");
    configuring.start();
    try {
      NativeMessagingServer.Builder server = NativeMessagingServer.builder().routesFromClassPath(loader).prepareRoutes();
      Services services = servicesOf(configured);
      return new ReferenceHost(
          server.services(services).config(config).paths(effective).hostVersion(version).mode(mode)
              .howToAllow(ReferenceHost::allowCommand)
              .build(),
          resources,
          warmUps);
    } catch (Exception | Error e) {
      awaitUninterruptibly(configuring); // its modules may still be registering resources to close
      closeAll(resources);
      throw e;
    }
  }

  private static Services configure(Iterable<HostModule> modules, HostEnvironment environment) throws Exception {
    Services.Builder services = Services.builder();
    for (HostModule module : modules) {
      module.configure(environment, services);
      LOG.debug("configured host module {}", module.getClass().getName());
    }
    return services.build();
  }

  /** The modules' services once they are configured; what a module threw is rethrown as it was. */
  private static Services servicesOf(FutureTask<Services> configured) throws Exception {
    try {
      return configured.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static void awaitUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  NativeMessagingServer server() {
    return server;
  }

  /**
   * Runs the modules' warm-up tasks, then warms the server up ({@link NativeMessagingServer#warmUp}). The tasks
   * go first: each does work that a request would otherwise do (reading model headers), where the server's
   * rounds only shorten later requests. A task that fails is logged and skipped, since its request will do the
   * same work and report the failure itself.
   */
  void warmUp(int rounds) {
    for (Runnable task : warmUps) {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.debug("a host module's warm-up failed: {}", e.toString());
      }
    }
    server.warmUp(rounds);
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

  /** The nm-host command that allows {@code origin}: an install for a browser extension, a config edit otherwise. */
  static String allowCommand(String origin) {
    if (origin.startsWith(CHROME_PREFIX)) {
      String id = origin.substring(CHROME_PREFIX.length());
      return "`nm-host install --extension-id " + (id.endsWith("/") ? id.substring(0, id.length() - 1) : id) + "`";
    }
    if (origin.startsWith(FIREFOX_PREFIX)) {
      return "`nm-host install --browser firefox --firefox-extension-id " + origin.substring(FIREFOX_PREFIX.length()) + "`";
    }
    return "`nm-host config allow " + origin + "`";
  }
}
