package dev.nm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPathsTest {
  private static final Path PASSWD_HOME = Path.of("/home/from-the-password-database");

  @TempDir Path dir;

  /** Browsers, shells and the scripts read $HOME; Java's user.home comes from the password database. */
  @Test
  void theHomeIsHomeFromTheEnvironmentElseThePasswordDatabases() {
    assertEquals(dir, HostPaths.userHome(dir.toString(), "ada", PASSWD_HOME));
    assertEquals(PASSWD_HOME, HostPaths.userHome(null, "ada", PASSWD_HOME));
    assertEquals(PASSWD_HOME, HostPaths.userHome("", "ada", PASSWD_HOME));
    assertEquals(PASSWD_HOME, HostPaths.userHome("relative/home", "ada", PASSWD_HOME));
    assertEquals(dir.resolve(".local/share/nm-host"),
        HostPaths.fromEnvironment(Map.of(), HostPaths.userHome(dir.toString(), "ada", PASSWD_HOME)).home());
  }

  /**
   * sudo keeps the invoking user's $HOME (macOS's default): root writing its 0700 files there would leave that
   * user a home its daemon cannot read, so root takes $HOME only where root owns it.
   */
  @Test
  void rootIgnoresAHomeItDoesNotOwn() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "changing a directory's owner needs root");
    Path someoneElses = Files.createDirectory(dir.resolve("ada"));
    UserPrincipal nobody = someoneElses.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.setOwner(someoneElses, nobody);

    assertEquals(PASSWD_HOME, HostPaths.userHome(someoneElses.toString(), "root", PASSWD_HOME));
    assertEquals(someoneElses, HostPaths.userHome(someoneElses.toString(), "ada", PASSWD_HOME));
    assertEquals(dir, HostPaths.userHome(dir.toString(), "root", PASSWD_HOME), "a HOME root owns is root's");
  }
}
