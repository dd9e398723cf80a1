package dev.nm.host.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nm-host version}. */
@Command(name = "version", description = "Prints the nm-host version and the Java that runs it.")
final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    for (String line : new NmHostVersion.Provider().getVersion()) {
      spec.commandLine().getOut().println(line);
    }
    return 0;
  }
}
