package dev.nm.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteTableTest {
  @TempDir Path dir;

  private URL registering(String name, String content) throws Exception {
    Path root = dir.resolve(name);
    Path services = Files.createDirectories(root.resolve("META-INF/services")).resolve(RouteTable.class.getName());
    Files.writeString(services, content);
    return root.toUri().toURL();
  }

  @Test
  void twoPlacesRegisteringTheSameTableClassAreRefusedNamingBoth() throws Exception {
    URL main = registering("main", "com.example.NmRouteTable\n");
    URL test = registering("test", "# generated\ncom.example.NmRouteTable # the test fixtures' routes\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {test, main}, null)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> RouteTable.fromClassPath(loader));
      assertEquals(
          "route table com.example.NmRouteTable is registered by both " + test + "META-INF/services/dev.nm.route.RouteTable"
              + " and " + main + "META-INF/services/dev.nm.route.RouteTable; only one class of that name can load, and the"
              + " other's routes would be lost. Give one of them another name with the processor option"
              + " -Anm.routeTable=<package>.<Name> in that module's compiler arguments",
          e.getMessage());
    }
  }

  @Test
  void noTableIsNoError() throws Exception {
    try (URLClassLoader loader = new URLClassLoader(new URL[] {registering("empty", "# nothing\n")}, null)) {
      assertEquals(0, RouteTable.fromClassPath(loader).size());
    }
  }
}
