package dev.nm.host.cli;

import dev.nm.host.HostConfig;
import dev.nm.host.HostPaths;
import dev.nm.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nm-host config show}: the configuration the host and daemon run with. */
@Command(name = "config", description = "Shows the host configuration.")
final class ConfigCommand {
  @Spec CommandSpec spec;

  @Command(
      name = "show",
      description = "Prints the effective configuration as JSON (defaults filled in); where it comes from goes to stderr.")
  int show() throws IOException {
    HostPaths paths = HostPaths.fromEnvironment();
    HostConfig config = HostConfig.load(paths.configFile());
    spec.commandLine().getErr().println(Files.exists(paths.configFile())
        ? "# " + paths.configFile()
        : "# " + paths.configFile() + " does not exist; these are the defaults");
    spec.commandLine().getOut().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(config));
    return 0;
  }
}
