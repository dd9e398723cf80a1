package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import dev.nm.host.relay.NativeMessagingRelay;
import dev.nm.host.relay.ServerLauncher;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How {@code nm-host}'s relays and commands start the reference daemon ({@link DaemonLauncher}): a daemon that holds
 * the {@link DaemonLock} runs or is starting, and is waited for rather than started again.
 */
final class DaemonStart implements ServerLauncher {
  /** What the relay's failures call the daemon. */
  static final String SERVER_NAME = "the nm daemon";

  private DaemonStart() {}

  /**
   * The reference host's relay: to the daemon of {@code paths}, started when none answers. A class, not a lambda,
   * since every browser launch runs it: the process's first lambda sets up the JDK's method-handle machinery.
   */
  static NativeMessagingRelay relay(HostPaths paths, boolean handOffPipes) {
    return NativeMessagingRelay.builder(paths)
        .serverName(SERVER_NAME)
        .startServer(new DaemonStart())
        .handOffPipes(handOffPipes)
        .build();
  }

  @Override
  public Process start(HostPaths paths) throws IOException {
    return DaemonLauncher.startDetached(paths);
  }

  @Override
  public boolean isStarting(HostPaths paths) throws IOException {
    return DaemonLock.isHeld(paths);
  }

  @Override
  public Path log(HostPaths paths) {
    return paths.logDir().resolve("daemon.log");
  }
}
