package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Connects to this user's daemon, starting it when none answers. Two hosts starting at once may both
 * launch a daemon; the {@link DaemonLock} lets only one of them run, and both hosts connect to it.
 */
final class DaemonConnector {
  /** How long a starting daemon may take to answer, including loading its modules. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private static final long POLL_MILLIS = 10;

  private DaemonConnector() {}

  /** A connection to the running daemon, or null when none answers. */
  static SocketChannel tryConnect(HostPaths paths) {
    FirstSocket.prepare();
    return tryConnect(paths.socket());
  }

  /** A connection to the daemon, started first if needed. */
  static SocketChannel connectOrStart(HostPaths paths) throws IOException {
    FirstSocket.prepare();
    Process started = null;
    if (DaemonLock.isHeld(paths) || Files.exists(paths.socket())) {
      SocketChannel channel = tryConnect(paths.socket());
      if (channel != null) {
        return channel;
      }
    } else {
      // No daemon and no socket (a daemon removes its socket when it exits): nothing can answer, so the daemon
      // starts before the relay's first socket, which takes a JVM 30 ms to set up.
      started = DaemonLauncher.startDetached(paths);
    }
    SocketChannel channel;
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      channel = tryConnect(paths.socket());
      if (channel != null) {
        return channel;
      }
      if (started == null && !DaemonLock.isHeld(paths)) {
        // The daemon that held the lock without a socket retired or died meanwhile.
        started = DaemonLauncher.startDetached(paths);
      }
      if (started != null && !started.isAlive() && !DaemonLock.isHeld(paths)) {
        throw new IOException(
            "the nm daemon exited while starting (exit code " + started.exitValue() + "); see "
                + paths.logDir().resolve("daemon.log"));
      }
      sleep();
    }
    throw new IOException(
        "the nm daemon did not answer on " + paths.socket() + " within " + START_TIMEOUT.toSeconds()
            + " s; see " + paths.logDir().resolve("daemon.log"));
  }

  private static SocketChannel tryConnect(Path socket) {
    try {
      return SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      return null;
    }
  }

  private static void sleep() throws IOException {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the nm daemon", e);
    }
  }
}
