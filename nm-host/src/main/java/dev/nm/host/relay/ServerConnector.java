package dev.nm.host.relay;

import dev.nm.host.HostPaths;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;

/**
 * Connects to the server listening on {@link HostPaths#socket()}, starting it with a {@link ServerLauncher} when
 * none answers. Two relays starting at once may both launch a server; the launcher keeps only one running (the
 * reference daemon's lock), and both relays connect to it.
 */
final class ServerConnector {
  private static final long POLL_MILLIS = 10;

  private ServerConnector() {}

  /** A connection to the running server, or null when none answers. */
  static SocketChannel tryConnect(HostPaths paths) throws IOException {
    FirstSocket.prepare();
    return requireOwnUser(tryConnect(paths.socket()), paths);
  }

  /**
   * A connection to the server, started first if needed.
   *
   * @param serverName what the errors call the server, e.g. "the nm daemon"
   * @throws IOException if it does not answer within {@code timeout}, or the process started for it exits first
   */
  static SocketChannel connectOrStart(HostPaths paths, ServerLauncher launcher, Duration timeout, String serverName)
      throws IOException {
    FirstSocket.prepare();
    Process started = null;
    boolean launched = false;
    if (launcher.isStarting(paths) || Files.exists(paths.socket())) {
      SocketChannel channel = requireOwnUser(tryConnect(paths.socket()), paths);
      if (channel != null) {
        return channel;
      }
    } else {
      // No server and no socket (a server removes its socket when it stops): nothing can answer, so the server
      // starts before the relay's first socket, which takes a JVM 30 ms to set up.
      started = launcher.start(paths);
      launched = true;
    }
    SocketChannel channel;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      channel = requireOwnUser(tryConnect(paths.socket()), paths);
      if (channel != null) {
        return channel;
      }
      if (!launched && !launcher.isStarting(paths)) {
        // The server that was starting without a socket (the daemon holding its lock) stopped meanwhile.
        started = launcher.start(paths);
        launched = true;
      }
      if (started != null && !started.isAlive() && !launcher.isStarting(paths)) {
        throw new IOException(
            serverName + " exited while starting (exit code " + started.exitValue() + ")" + seeLog(launcher, paths));
      }
      sleep(serverName);
    }
    throw new IOException(
        serverName + " did not answer on " + paths.socket() + " within " + timeout.toSeconds() + " s"
            + seeLog(launcher, paths));
  }

  private static String seeLog(ServerLauncher launcher, HostPaths paths) {
    Path log = launcher.log(paths);
    return log == null ? "" : "; see " + log;
  }

  /**
   * {@code channel}, if the process serving it runs as this user: a server of another user reads every frame of
   * the browser's port. Only where the home lies in a directory others can write can such a socket be there,
   * since the server keeps {@code run/} its own.
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
          + paths.home() + " must be a directory that only " + self + " can write" + homeSource(paths));
    }
    return channel;
  }

  /** Where the home was set, when {@code NM_HOST_HOME} set it: the place to fix it. */
  private static String homeSource(HostPaths paths) {
    boolean fromEnvironment =
        HostPaths.homeSetByEnvironment() && paths.home().equals(HostPaths.fromEnvironment().home());
    return fromEnvironment ? " (it is " + HostPaths.HOME_ENV + "'s)" : "";
  }

  private static SocketChannel tryConnect(Path socket) {
    try {
      return SocketChannel.open(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      return null;
    }
  }

  private static void sleep(String serverName) throws IOException {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + serverName, e);
    }
  }
}
