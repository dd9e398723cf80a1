package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;

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
  static SocketChannel tryConnect(HostPaths paths) throws IOException {
    FirstSocket.prepare();
    return requireOwnUser(tryConnect(paths.socket()), paths);
  }

  /** A connection to the daemon, started first if needed. */
  static SocketChannel connectOrStart(HostPaths paths) throws IOException {
    FirstSocket.prepare();
    Process started = null;
    if (DaemonLock.isHeld(paths) || Files.exists(paths.socket())) {
      SocketChannel channel = requireOwnUser(tryConnect(paths.socket()), paths);
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
      channel = requireOwnUser(tryConnect(paths.socket()), paths);
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

  /**
   * {@code channel}, if the process serving it runs as this user: a daemon of another user reads every frame of
   * the browser's port. Only where {@code NM_HOST_HOME} lies in a directory others can write can such a socket be
   * there, since the daemon keeps {@code run/} its own.
   */
  private static SocketChannel requireOwnUser(SocketChannel channel, HostPaths paths) throws IOException {
    if (channel == null) {
      return null;
    }
    String peer;
    try {
      peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName();
    } catch (UnsupportedOperationException | IOException e) {
      return channel; // the platform cannot tell (not Linux or macOS): the directory's permissions are all there is
    }
    String self = System.getProperty("user.name");
    // "?" where this user has no name (a uid with no password-database entry, as in some containers): the peer's
    // name is then its uid, which cannot be compared with nothing.
    if (!self.equals("?") && !peer.equals(self)) {
      channel.close();
      throw new IOException(paths.socket() + " is served by user " + peer + ", not " + self + ": "
          + paths.home() + " must be a directory that only " + self + " can write (set NM_HOST_HOME)");
    }
    return channel;
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
