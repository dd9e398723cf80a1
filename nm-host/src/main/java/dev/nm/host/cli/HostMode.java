package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.OutputStream;
import java.util.Locale;

/**
 * Serves one browser port on stdin/stdout, either relayed to the resident daemon (the default: one engine
 * and one model cache for every port) or in this process ({@code NM_HOST_MODE=standalone}: nothing is
 * shared and nothing outlives the port).
 */
enum HostMode {
  RELAY,
  STANDALONE;

  static final String MODE_ENV = "NM_HOST_MODE";

  /** Environment variable choosing who serves the browser's pipes: {@code daemon} (the default) or {@code relay}. */
  static final String PIPES_ENV = "NM_HOST_PIPES";

  /** The mode {@code NM_HOST_MODE} asks for; relay when unset. */
  static HostMode fromEnvironment() {
    String mode = System.getenv(MODE_ENV);
    if (mode == null || mode.isBlank()) {
      return RELAY;
    }
    try {
      return valueOf(mode.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(MODE_ENV + "=" + mode + " is not a host mode; use relay or standalone");
    }
  }

  /** Serves a browser's port in the mode the environment asks for, then ends the process. */
  static void serveBrowser(String origin, OutputStream frames) {
    HostMode mode;
    try {
      mode = fromEnvironment();
    } catch (IllegalArgumentException e) {
      System.err.println("nm-host: " + e.getMessage());
      System.exit(2);
      return;
    }
    HostPaths paths = HostPaths.fromEnvironment();
    LogSetup.forHost(paths);
    mode.exit(mode.serve(origin, new FileInputStream(FileDescriptor.in), frames, paths));
  }

  /**
   * Ends the process once a port is served. A relay halts: it registers no shutdown hooks, has flushed every
   * reply, and its log appenders write through; from Java 21 {@link System#exit} first looks up a
   * {@link System.Logger} to log the exit, which scans the class path with a {@link java.util.ServiceLoader}
   * and starts {@code java.util.logging} (10-40 ms of every launch). A standalone host exits normally: its
   * libraries remove the native libraries they unpacked in shutdown hooks.
   */
  private void exit(int code) {
    if (this == RELAY) {
      Runtime.getRuntime().halt(code);
    }
    System.exit(code);
  }

  /**
   * Whether {@code NM_HOST_PIPES} lets the relay hand its pipes to the daemon.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  static boolean offersPipes(String setting) {
    if (setting == null || setting.isBlank() || setting.trim().equals("daemon")) {
      return true;
    }
    if (setting.trim().equals("relay")) {
      return false;
    }
    throw new IllegalArgumentException(PIPES_ENV + "=" + setting + " is not supported; use daemon or relay");
  }

  int serve(String origin, FileInputStream in, OutputStream out, HostPaths paths) {
    return switch (this) {
      case RELAY -> {
        boolean offersPipes;
        try {
          offersPipes = offersPipes(System.getenv(PIPES_ENV));
        } catch (IllegalArgumentException e) {
          System.err.println("nm-host: " + e.getMessage());
          yield 2;
        }
        yield DaemonStart.relay(paths, offersPipes).relay(origin, in, out);
      }
      case STANDALONE -> StandaloneHost.serve(origin, in.getChannel(), out, paths);
    };
  }
}
