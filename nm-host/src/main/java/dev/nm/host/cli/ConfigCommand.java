package dev.nm.host.cli;

import dev.nm.host.HostConfig;
import dev.nm.host.HostPaths;
import dev.nm.host.install.Callers;
import dev.nm.host.install.HostConfigAllowlist;
import dev.nm.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nm-host config show|allow|revoke}: the configuration the host and daemon run with, and the callers it
 * allows. {@code allow} and {@code revoke} save and audit the change as {@code nm-host install} does; a running
 * daemon puts it in force within a second or so.
 */
@Command(name = "config", description = "Shows the host configuration; allows or revokes callers.")
final class ConfigCommand {
  private final HostPaths paths;

  @Spec CommandSpec spec;

  ConfigCommand() {
    this(HostPaths.fromEnvironment());
  }

  ConfigCommand(HostPaths paths) {
    this.paths = paths;
  }

  @Command(
      name = "show",
      description = "Prints the effective configuration as JSON (defaults filled in); where it comes from goes to stderr.")
  int show() throws IOException {
    HostConfig config = HostConfig.load(paths.configFile());
    spec.commandLine().getErr().println(Files.exists(paths.configFile())
        ? "# " + paths.configFile()
        : "# " + paths.configFile() + " does not exist; these are the defaults");
    spec.commandLine().getOut().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(config));
    return 0;
  }

  @Command(
      name = "allow",
      description = "Allows a caller that is not a browser extension, e.g. the command line's own origin "
          + CallCommand.CLI_ORIGIN + ", adding scopes to any it holds. "
          + "For extensions use nm-host install, which also registers the host with the browser.")
  int allow(
      @Parameters(paramLabel = "ORIGIN", description = "the caller's origin, e.g. " + CallCommand.CLI_ORIGIN) String origin,
      @Option(names = "--scope", paramLabel = "SCOPE", description = "a scope to grant, e.g. models.manage; repeatable")
          List<String> scopes) throws IOException {
    checkOrigin(origin);
    HostConfigAllowlist allowlist = new HostConfigAllowlist(paths);
    List<String> held = allowlist.allow(origin, new LinkedHashSet<>(scopes == null ? List.of() : scopes));
    spec.commandLine().getOut().println("allowed " + origin + " in " + paths.configFile()
        + (held.isEmpty() ? " (no scopes)" : " (scopes: " + String.join(", ", held) + ")"));
    return 0;
  }

  @Command(name = "revoke", description = "Removes a caller and its scopes from the allowed origins.")
  int revoke(@Parameters(paramLabel = "ORIGIN", description = "the caller's origin") String origin) throws IOException {
    HostConfigAllowlist allowlist = new HostConfigAllowlist(paths);
    if (!allowlist.allows(origin)) {
      spec.commandLine().getOut().println(origin + " is not allowed in " + paths.configFile() + "; nothing to revoke");
      return 0;
    }
    allowlist.revoke(origin);
    spec.commandLine().getOut().println("revoked " + origin + " in " + paths.configFile());
    return 0;
  }

  /** A mistyped extension origin would be allowed and never match; say how it must look instead. */
  private void checkOrigin(String origin) {
    CommandLine allow = spec.commandLine().getSubcommands().get("allow");
    if (origin.isBlank()) {
      throw new ParameterException(allow, "ORIGIN must not be blank");
    }
    if (origin.startsWith("chrome-extension:") && !Callers.isChromeOrigin(origin)) {
      throw new ParameterException(allow,
          "'" + origin + "' is not an extension origin: it is chrome-extension://ID/ with the 32-letter id;"
              + " to allow an extension, prefer nm-host install --extension-id ID");
    }
  }
}
