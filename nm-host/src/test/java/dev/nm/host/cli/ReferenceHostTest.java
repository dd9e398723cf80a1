package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nm.host.HostModule;
import dev.nm.host.HostPaths;
import dev.nm.host.HostStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceHostTest {
  /** A refused caller is told the nm-host command that allows its kind of origin. */
  @Test
  void aRefusedCallerIsToldTheCommandThatAllowsIt() {
    assertEquals("`nm-host install --extension-id ponmlkjihgfedcbaponmlkjihgfedcba`",
        ReferenceHost.allowCommand("chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba/"));
    assertEquals("`nm-host install --browser firefox --firefox-extension-id nm@example.org`",
        ReferenceHost.allowCommand("firefox:nm@example.org"));
    assertEquals("`nm-host config allow nm-host-cli`", ReferenceHost.allowCommand("nm-host-cli"));
  }

  @TempDir Path home;
  private final List<String> events = new ArrayList<>();

  @Test
  void warmUpRunsEveryModulesTasksOnceAndGoesOnPastOneThatFails() throws Exception {
    HostModule first = (environment, services) -> {
      environment.warmUpWith(() -> events.add("first warmed up"));
      environment.warmUpWith(() -> {
        throw new IllegalStateException("no model directory");
      });
    };
    HostModule second = (environment, services) -> environment.warmUpWith(() -> events.add("second warmed up"));

    try (ReferenceHost host = start(List.of(first, second))) {
      assertEquals(List.of(), events, "nothing warms up before it is asked");
      host.warmUp(1);
    }

    assertEquals(List.of("first warmed up", "second warmed up"), events);
  }

  @Test
  void aModuleThatFailsToStartClosesWhatTheModulesBeforeItOpened() {
    HostModule opens = (environment, services) -> environment.closeOnShutdown(() -> events.add("store closed"));
    HostModule fails = (environment, services) -> {
      throw new IllegalStateException("the engine's native library is missing");
    };

    IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> start(List.of(opens, fails)));

    assertEquals("the engine's native library is missing", thrown.getMessage());
    assertEquals(List.of("store closed"), events);
  }

  private ReferenceHost start(List<HostModule> modules) throws Exception {
    return ReferenceHost.start(
        new HostPaths(home, home.resolve("models")), HostStatus.Mode.DAEMON, modules, getClass().getClassLoader());
  }
}
