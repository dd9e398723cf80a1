package dev.nm.host.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code nm-host version}. */
@Command(name = "version", description = "Prints the nm-host version and the Java that runs it.")
final class VersionCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    for (String line : new NmHostVersion.Provider().getVersion()) {
      System.out.println(line);
    }
    return 0;
  }
}
