package dev.nm.host.cli;

import dev.nm.host.install.DoctorCommand;
import dev.nm.host.install.InstallCommand;
import dev.nm.host.install.UninstallCommand;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nm-host} command line for people; browsers never reach it (see {@link NmHostMain}). */
@Command(
    name = "nm-host",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // every subcommand takes --help and --version
    versionProvider = NmHostVersion.Provider.class,
    description = "A native-messaging host serving a local-AI API to browser extensions.",
    subcommands = {
      HostCommand.class,
      DaemonCommand.class,
      ConfigCommand.class,
      CallCommand.class,
      InstallCommand.class,
      UninstallCommand.class,
      DoctorCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    })
final class NmHostCommand {
  static int execute(String... args) {
    LogSetup.forConsole();
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    return new CommandLine(new NmHostCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(NmHostCommand::reportFailure);
  }

  /** A failed command says what went wrong in one line; the stack trace is for the debug log. */
  private static int reportFailure(Exception failure, CommandLine command, CommandLine.ParseResult parsed) {
    command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + failure.getMessage());
    LoggerFactory.getLogger(NmHostCommand.class).debug("{} failed", command.getCommandSpec().qualifiedName(), failure);
    return 1;
  }
}
