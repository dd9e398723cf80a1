package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonLauncherTest {
  @TempDir Path logs;

  @Test
  void aLogOverTheLimitIsKeptAsTheOneBeforeAndReplacesIt() throws Exception {
    Path log = Files.writeString(logs.resolve("daemon.log"), "x".repeat(101));
    Files.writeString(logs.resolve("daemon.log.1"), "the log before");
    DaemonLauncher.keepIfOver(log, 100);
    assertFalse(Files.exists(log), "the next daemon begins a new log");
    assertEquals("x".repeat(101), Files.readString(logs.resolve("daemon.log.1")));
  }

  @Test
  void aLogWithinTheLimitGrowsOn() throws Exception {
    Path log = Files.writeString(logs.resolve("daemon.log"), "x".repeat(100));
    DaemonLauncher.keepIfOver(log, 100);
    assertEquals(100, Files.size(log));
    assertFalse(Files.exists(logs.resolve("daemon.log.1")));
  }

  @Test
  void noLogYetIsNoError() {
    DaemonLauncher.keepIfOver(logs.resolve("daemon.log"), 100);
    assertFalse(Files.exists(logs.resolve("daemon.log.1")));
  }
}
