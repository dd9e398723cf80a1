package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The command line people type; browsers never reach it. */
class NmHostCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final CommandLine commandLine =
      NmHostCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

  @Test
  void versionNamesTheBuildAndTheJava() {
    assertEquals(0, commandLine.execute("version"));

    String[] lines = out.toString().split("\n");
    assertTrue(lines[0].matches("nm-host \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), lines[0]);
    assertEquals("Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")", lines[1]);
  }

  @Test
  void hostModeIsChosenByNameInAnyCase() {
    ParseResult parsed = commandLine.parseArgs("host", "--origin", "chrome-extension://abcdefghijklmnopabcdefghijklmnop/", "--mode", "standalone");

    HostCommand host = parsed.subcommand().commandSpec().commandLine().getCommand();
    assertEquals(HostMode.STANDALONE, host.mode);
    assertEquals("chrome-extension://abcdefghijklmnopabcdefghijklmnop/", host.origin);
  }

  @Test
  void hostModeNeedsAnOrigin() {
    assertEquals(2, commandLine.execute("host"));
    assertTrue(err.toString().startsWith("Missing required option: '--origin=<origin>'"), err::toString);
  }

  @Test
  void aCommandWithoutItsSubcommandSaysSo() {
    assertEquals(2, commandLine.execute("daemon"));
    assertTrue(err.toString().startsWith("Missing required subcommand"), err::toString);
  }

  @Test
  void callRefusesAPayloadThatIsNotAJsonObjectBeforeConnecting() {
    assertEquals(2, commandLine.execute("call", "hello", "[1, 2]"));
    assertTrue(err.toString().startsWith("PAYLOAD must be a JSON object, e.g. '{\"input\": \"hi\"}'; got: [1, 2]"), err::toString);
  }

  @ParameterizedTest
  @ValueSource(strings = {"daemon", "daemon status", "config", "config allow", "call", "version", "host", "install"})
  void everyCommandExplainsItselfOnHelp(String command) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")));
    args.add("--help");
    assertEquals(0, commandLine.execute(args.toArray(String[]::new)), err::toString);
    assertTrue(out.toString().startsWith("Usage: nm-host " + command), out::toString);
  }

  /** A file system failure's message is often the bare path: the command says what went wrong with it. */
  @Test
  void aFileSystemFailureSaysWhatWentWrongWithThePath() {
    assertEquals("/etc/hostname: already exists, in the way of a file or directory nm-host must create",
        NmHostCommand.describe(new java.nio.file.FileAlreadyExistsException("/etc/hostname")));
    assertEquals("/root/x: permission denied", NmHostCommand.describe(new java.nio.file.AccessDeniedException("/root/x")));
    assertEquals("/a -> /b: Device or resource busy",
        NmHostCommand.describe(new java.nio.file.FileSystemException("/a", "/b", "Device or resource busy")));
    assertEquals("plain", NmHostCommand.describe(new IllegalStateException("plain")));
  }

  @Test
  void installUninstallAndDoctorAreCommands() {
    assertEquals(
        List.of("host", "daemon", "config", "call", "install", "uninstall", "doctor", "version", "help"),
        List.copyOf(commandLine.getSubcommands().keySet()));
  }
}
