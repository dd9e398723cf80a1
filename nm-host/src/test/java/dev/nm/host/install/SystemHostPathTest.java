package dev.nm.host.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine-wide manifest makes every user's browser run its host path: install --system must refuse one that a
 * user other than root could change.
 */
class SystemHostPathTest {
  @TempDir Path root;

  @Test
  void aLauncherInADirectoryOthersMayWriteIsRefusedForSystemInstalls() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("unix"));
    InstallFixture machine = new InstallFixture(root);
    Files.setPosixFilePermissions(machine.launcher.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));

    var result = machine.install("--system", "--browser", "chromium", "--extension-id", InstallFixture.ID);

    assertEquals(1, result.status(), result.out());
    assertTrue(result.err().contains("another user could change what every user's browser runs"), result.err());
    assertTrue(result.err().contains(machine.launcher.toString()), result.err());
    assertFalse(Files.exists(machine.context.paths().configFile()), "nothing is allowed when nothing is installed");
  }

  @Test
  void aLauncherThatASymbolicLinkPointsIntoAWritableDirectoryIsRefused() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("unix"));
    Path open = Files.createDirectories(root.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path target = Files.writeString(open.resolve("nm-host"), "#!/bin/sh\n");

    Optional<String> problem = SystemHostPath.problem(Files.createSymbolicLink(root.resolve("link"), target));

    assertTrue(problem.isPresent());
    assertTrue(problem.get().contains(open.toString()), problem.get());
  }

  @Test
  void aRootOwnedExecutableNoOneElseMayChangeIsAccepted() {
    Path env = Path.of("/usr/bin/env");
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("unix") && Files.isExecutable(env));

    assertEquals(Optional.empty(), SystemHostPath.problem(env));
  }
}
