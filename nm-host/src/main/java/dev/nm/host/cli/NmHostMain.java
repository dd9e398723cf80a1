package dev.nm.host.cli;

import dev.nm.host.relay.NativeMessagingRelay;
import java.util.Optional;

/**
 * The {@code nm-host} executable. A browser launch ({@link NativeMessagingRelay#browserOrigin}) goes straight to host mode, with
 * stdout claimed for frames before anything else runs and without loading the command-line parser. The
 * daemon's own command line, {@code nm-host daemon run}, skips the parser too; every other command line is
 * parsed by {@link NmHostCommand}.
 */
public final class NmHostMain {
  private NmHostMain() {}

  public static void main(String[] args) {
    Optional<String> origin = NativeMessagingRelay.browserOrigin(args);
    if (origin.isEmpty()) {
      System.exit(DaemonCommand.isRun(args) ? DaemonCommand.runWithoutParser() : NmHostCommand.execute(args));
    }
    HostMode.serveBrowser(origin.get(), StdoutGuard.claim());
  }
}
