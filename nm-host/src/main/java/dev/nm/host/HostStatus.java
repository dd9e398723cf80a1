package dev.nm.host;

import java.time.Duration;
import java.time.Instant;

/**
 * The state of the running host, registered by {@link NativeMessagingServer} as a service so that routes
 * ({@code health}) can report it. Thread-safe; every read is live.
 */
public interface HostStatus {
  /** How the host process runs. */
  enum Mode {
    /** A resident server shared by many browser ports over a Unix-domain socket. */
    DAEMON,
    /** One host process per browser port, answering on its own stdin/stdout. */
    STANDALONE,
    /** Inside another application, which built the server itself. */
    EMBEDDED
  }

  String hostVersion();

  Mode mode();

  Instant startedAt();

  default Duration uptime() {
    return Duration.between(startedAt(), Instant.now());
  }

  /** This process's id. */
  default long pid() {
    return ProcessHandle.current().pid();
  }

  int openConnections();

  /** Calls being served on every connection. */
  int inFlightCalls();
}
