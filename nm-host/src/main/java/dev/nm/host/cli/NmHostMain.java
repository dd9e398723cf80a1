package dev.nm.host.cli;

import java.util.Optional;

/**
 * The {@code nm-host} executable. A browser launch ({@link BrowserLaunch}) goes straight to host mode, with
 * stdout claimed for frames before anything else runs and without loading the command-line parser. The
 * daemon's own command line, {@code nm-host daemon run}, skips the parser too; every other command line is
 * parsed by {@link NmHostCommand}.
 */
public final class NmHostMain {
  private NmHostMain() {}

  public static void main(String[] args) {
    Optional<BrowserLaunch> launch = BrowserLaunch.detect(args);
    if (launch.isEmpty()) {
      System.exit(DaemonCommand.isRun(args) ? DaemonCommand.runWithoutParser() : NmHostCommand.execute(args));
    }
    HostMode.serveBrowser(launch.get().origin(), StdoutGuard.claim());
  }
}
