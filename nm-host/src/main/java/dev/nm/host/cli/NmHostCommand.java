package dev.nm.host.cli;

import dev.nm.host.install.DoctorCommand;
import dev.nm.host.install.InstallCommand;
import dev.nm.host.install.UninstallCommand;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
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

  /**
   * A failure in words: a file system exception's message is often the path alone ("/home/ada/x"), so the path
   * is followed by what went wrong with it.
   */
  static String describe(Exception failure) {
    if (!(failure instanceof FileSystemException e)) {
      return String.valueOf(failure.getMessage());
    }
    String what;
    if (e instanceof NoSuchFileException) {
      what = "no such file or directory";
    } else if (e instanceof AccessDeniedException) {
      what = "permission denied";
    } else if (e instanceof FileAlreadyExistsException) {
      what = "already exists, in the way of a file or directory nm-host must create";
    } else if (e.getReason() != null) {
      what = e.getReason();
    } else {
      what = e.getClass().getSimpleName();
    }
    return e.getFile() + (e.getOtherFile() == null ? "" : " -> " + e.getOtherFile()) + ": " + what;
  }

  /** A failed command says what went wrong in one line; the stack trace is for the debug log. */
  private static int reportFailure(Exception failure, CommandLine command, CommandLine.ParseResult parsed) {
    command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + describe(failure));
    LoggerFactory.getLogger(NmHostCommand.class).debug("{} failed", command.getCommandSpec().qualifiedName(), failure);
    return 1;
  }
}
