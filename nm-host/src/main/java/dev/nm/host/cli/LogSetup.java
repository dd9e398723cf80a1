package dev.nm.host.cli;

import dev.nm.host.HostPaths;

/**
 * Chooses the logging of this process before the first logger exists ({@link HostLogConfigurator} builds it).
 * Host mode logs to stderr (the browser's log) and to {@code logs/host.log}; every other command, the daemon
 * included, logs to stderr only: a detached daemon's stderr is {@code logs/daemon.log}. Levels follow
 * {@code NM_HOST_LOG_LEVEL} (default INFO). A {@code -Dlogback.configurationFile} given on the command line
 * wins. Call it before the first logger is created: logback configures itself once.
 *
 * <p>nm-host declares logback optional: the distribution brings it, and a host assembled without it logs
 * nothing (SLF4J says so once, on stderr).
 */
final class LogSetup {
  private static final boolean CHOSEN_BY_USER = System.getProperty("logback.configurationFile") != null;

  private LogSetup() {}

  static void forHost(HostPaths paths) {
    System.setProperty(HostLogConfigurator.LOG_DIR_PROPERTY, paths.logDir().toString());
    choose("host");
  }

  static void forConsole() {
    choose("console");
  }

  private static void choose(String configuration) {
    if (!CHOSEN_BY_USER) {
      System.setProperty(HostLogConfigurator.CONFIGURATION_PROPERTY, configuration);
    }
  }
}
