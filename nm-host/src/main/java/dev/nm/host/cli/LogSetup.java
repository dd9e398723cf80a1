package dev.nm.host.cli;

import dev.nm.host.HostPaths;

/**
 * Chooses the logback configuration before the first logger exists. Host mode logs to stderr (the
 * browser's log) and to {@code logs/host.log}; every other command, the daemon included, logs to stderr
 * only: a detached daemon's stderr is {@code logs/daemon.log}. Levels follow {@code NM_HOST_LOG_LEVEL}
 * (default INFO). A {@code -Dlogback.configurationFile} given on the command line wins. Call it before the
 * first logger is created: logback reads its configuration once.
 *
 * <p>The configurations are resources of this package, not a root {@code logback.xml}, so an application
 * that embeds nm-host never has its own shadowed. nm-host declares logback optional: the distribution
 * brings it, and a host assembled without it logs nothing (SLF4J says so once, on stderr).
 */
final class LogSetup {
  private static final String CONFIGURATION_FILE = "logback.configurationFile";
  private static final boolean CHOSEN_BY_USER = System.getProperty(CONFIGURATION_FILE) != null;

  private LogSetup() {}

  static void forHost(HostPaths paths) {
    System.setProperty("nm.log.dir", paths.logDir().toString());
    choose("dev/nm/host/cli/logback-host.xml");
  }

  static void forConsole() {
    choose("dev/nm/host/cli/logback-console.xml");
  }

  private static void choose(String resource) {
    if (!CHOSEN_BY_USER) {
      System.setProperty(CONFIGURATION_FILE, resource);
    }
  }
}
