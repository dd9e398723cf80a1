package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

  @Test
  void launchersStartingDaemonsAtOnceKeepTheLogBeforeAndNotTheOneJustBegun() throws Exception {
    // Two ports opened at once with no daemon running: each relay starts one. The second used to measure the
    // old log, then rename the new one the first had just opened over daemon.log.1, losing the old log.
    Path log = logs.resolve("daemon.log");
    ExecutorService launchers = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 200; round++) {
        String before = "round " + round + " " + "x".repeat(200);
        Files.writeString(log, before);
        CyclicBarrier together = new CyclicBarrier(4);
        List<Future<?>> started = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          started.add(launchers.submit(() -> {
            together.await();
            return DaemonLauncher.withLogKept(log, 100, () -> {
              Files.writeString(log, "started\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
              return null;
            });
          }));
        }
        for (Future<?> f : started) {
          f.get();
        }
        assertEquals(before, Files.readString(logs.resolve("daemon.log.1")), "round " + round);
        assertEquals("started\n".repeat(4), Files.readString(log), "round " + round);
      }
    } finally {
      launchers.shutdownNow();
    }
  }
}
