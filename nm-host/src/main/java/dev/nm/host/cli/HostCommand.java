package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nm-host host --origin ORIGIN}: host mode asked for by name, as a browser launch gets it without
 * asking. Useful to drive the host from a test or another program over stdin/stdout.
 */
@Command(name = "host", description = "Serves one native-messaging connection on stdin/stdout.")
final class HostCommand implements Callable<Integer> {
  @Option(names = "--origin", required = true, description = "The caller's origin, e.g. chrome-extension://ID/.")
  String origin;

  @Option(
      names = "--mode",
      description = "relay (through the resident daemon) or standalone (in this process). "
          + "Default: NM_HOST_MODE, else relay.")
  HostMode mode;

  @Override
  public Integer call() {
    OutputStream frames = StdoutGuard.claim();
    HostPaths paths = HostPaths.fromEnvironment();
    LogSetup.forHost(paths);
    HostMode chosen = mode != null ? mode : HostMode.fromEnvironment();
    return chosen.serve(origin, new FileInputStream(FileDescriptor.in), frames, paths);
  }
}
