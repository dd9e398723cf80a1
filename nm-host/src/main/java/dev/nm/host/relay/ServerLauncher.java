package dev.nm.host.relay;

import dev.nm.host.HostPaths;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How a {@link NativeMessagingRelay} starts the server it relays to when nothing answers on the server's socket.
 * The relay then polls the socket until the server answers, the started process fails, or the relay's start
 * timeout passes. Most applications give {@link NativeMessagingRelay.Builder#startServer(ProcessBuilder)} a command
 * instead; implement this where starting takes more (a lock, a log kept across starts).
 */
public interface ServerLauncher {
  /**
   * Starts {@code command} detached: in a session of its own where the system has {@code setsid} (a browser that
   * ends the relay, or its process group, leaves the server alone), with stdin, stdout and stderr from and to the
   * null device unless {@code command} redirects them to files (the relay's own are the browser's pipes). Its
   * directory and environment are {@code command}'s.
   */
  static ServerLauncher detached(ProcessBuilder command) {
    return new DetachedCommand(command);
  }

  /**
   * Starts the server and returns at once, without waiting for it to listen. Its stdin, stdout and stderr must not
   * be the relay's: those are the browser's pipes.
   *
   * @return the started process, whose exit before the server answers ends the wait with an error (unless
   *     {@link #isStarting} says a server runs); null where the command hands the start on and exits (a launcher
   *     that opens an application already installed), so that only the timeout ends the wait
   */
  Process start(HostPaths paths) throws IOException;

  /**
   * Whether a server is running or starting although its socket does not answer yet, so that the relay waits for
   * it instead of starting another: the reference daemon holds a lock file from its first instant. Default: false,
   * so that the relay starts the server whenever its socket does not answer.
   */
  default boolean isStarting(HostPaths paths) throws IOException {
    return false;
  }

  /** Where the started server writes what went wrong, for the relay's error to name; null (the default) if nowhere. */
  default Path log(HostPaths paths) {
    return null;
  }
}
