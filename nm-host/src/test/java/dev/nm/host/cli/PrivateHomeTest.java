package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nm.host.HostPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The host's home holds the audit log, the logs and the settings database, written with the default modes: the
 * home a host creates is its owner's alone, so that other users of the machine read none of them.
 */
class PrivateHomeTest {
  @TempDir Path root;

  private HostPaths paths;

  @BeforeEach
  void paths() {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    paths = new HostPaths(root.resolve("share/nm-host"), root.resolve("models"));
  }

  @Test
  void configAllowCreatesAHomeOnlyItsOwnerMayRead() throws IOException {
    CommandLine line = new CommandLine(new ConfigCommand(paths));
    line.setOut(new PrintWriter(new StringWriter(), true));
    line.setErr(new PrintWriter(new StringWriter(), true));

    assertEquals(0, line.execute("allow", CallCommand.CLI_ORIGIN));

    assertEquals("rwx------", mode(paths.home()));
  }

  @Test
  void theDaemonLockCreatesAHomeOnlyItsOwnerMayRead() throws IOException {
    DaemonLock.isHeld(paths);

    assertEquals("rwx------", mode(paths.home()));
    assertEquals("rwx------", mode(paths.runDir()));
  }

  /** A file system without POSIX modes (Windows; here a zip file's) gets its run directory all the same. */
  @Test
  void theRunDirectoryIsCreatedWhereThereAreNoPosixModes() throws IOException {
    try (java.nio.file.FileSystem zip =
        FileSystems.newFileSystem(root.resolve("home.zip"), java.util.Map.of("create", "true"))) {
      Path run = zip.getPath("/home/run");
      DaemonLock.createRunDirectory(run);
      DaemonLock.createRunDirectory(run);
      assertEquals(true, Files.isDirectory(run));
    }
  }

  @Test
  void anExistingHomeKeepsItsMode() throws IOException {
    Files.createDirectories(paths.home());
    Files.setPosixFilePermissions(paths.home(), PosixFilePermissions.fromString("rwxr-x---"));

    DaemonLock.isHeld(paths);

    assertEquals("rwxr-x---", mode(paths.home()));
  }

  @Test
  void aRunDirectoryThatOthersMayEnterIsNarrowed() throws IOException {
    Files.createDirectories(paths.runDir());
    Files.setPosixFilePermissions(paths.runDir(), PosixFilePermissions.fromString("rwxrwxr-x"));

    DaemonLock.isHeld(paths);

    assertEquals("rwx------", mode(paths.runDir()));
  }

  private static String mode(Path dir) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
  }
}
