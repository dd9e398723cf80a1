package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.host.HostPaths;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon of an earlier version, still running while the user runs this version's commands (an upgrade installed
 * beside the old one), locks the whole lock file and records itself only in its pid file: it is still the daemon.
 */
class OlderDaemonLockTest {
  @TempDir Path home;

  /** What an earlier version's daemon does: lock the whole file, write the pid file, serve until stdin closes. */
  public static void main(String[] args) throws Exception {
    Path lockFile = Path.of(args[0]);
    Path pidFile = Path.of(args[1]);
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      channel.lock();
      Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
      System.out.println("locked");
      System.out.flush();
      System.in.read();
    }
  }

  /** A process that locks the whole lock file and writes its pid, as {@link #main} does, until its stdin has a line. */
  private Process startHolder(Path lockFile, Path pidFile) throws IOException {
    return new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), OlderDaemonLockTest.class.getName(),
            lockFile.toString(), pidFile.toString()))
        .redirectError(home.resolve("holder-" + System.nanoTime() + ".stderr").toFile())
        .start();
  }

  @Test
  void theHolderOfAnEarlierVersionIsFoundByItsPidFile() throws Exception {
    HostPaths paths = new HostPaths(home, home.resolve("models"));
    DaemonLock.createRunDirectory(paths.runDir());
    Process older = startHolder(paths.daemonLock(), paths.daemonPidFile());
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(older.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", out.readLine());
      assertTrue(DaemonLock.isHeld(paths));

      assertEquals(Optional.of(older.pid()), DaemonLock.holder(paths).map(ProcessHandle::pid));
    } finally {
      older.destroyForcibly();
      older.waitFor(10, TimeUnit.SECONDS);
    }
    assertEquals(Optional.empty(), DaemonLock.holder(paths));
  }

  /**
   * A daemon starting while another process holds the lock for a moment (a relay or {@code daemon status} looking
   * whether a daemon runs) waits for it, rather than exit as a second daemon. The holder here lets go after 200 ms,
   * and the daemon tries for 10 s (100 ms when it starts).
   */
  @Test
  void aLockHeldForAMomentIsWaitedFor() throws Exception {
    HostPaths paths = new HostPaths(home, home.resolve("models"));
    DaemonLock.createRunDirectory(paths.runDir());
    Process holder = startHolder(paths.daemonLock(), home.resolve("other.pid"));
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", out.readLine());
      java.util.concurrent.CompletableFuture<java.nio.channels.FileLock> acquired =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
              return DaemonLock.tryAcquire(paths, 1_000);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      Thread.sleep(200);
      assertTrue(!acquired.isDone(), "the lock is held");
      holder.getOutputStream().write('\n');
      holder.getOutputStream().flush();
      java.nio.channels.FileLock lock = acquired.get(10, TimeUnit.SECONDS);
      assertTrue(lock != null, "the starting daemon took itself for a second one");
      lock.channel().close();
    } finally {
      holder.destroyForcibly();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A pid file left by a daemon killed with SIGKILL names a process that started after it was written: not ours. */
  @Test
  void aPidFileOlderThanItsProcessNamesNoDaemon() throws Exception {
    HostPaths paths = new HostPaths(home, home.resolve("models"));
    DaemonLock.createRunDirectory(paths.runDir());
    Files.writeString(paths.daemonPidFile(), ProcessHandle.current().pid() + "\n");
    Files.setLastModifiedTime(paths.daemonPidFile(),
        java.nio.file.attribute.FileTime.fromMillis(ProcessHandle.current().info().startInstant().orElseThrow()
            .toEpochMilli() - 60_000));
    Process holder = startHolder(paths.daemonLock(), home.resolve("other.pid"));
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", out.readLine());

      assertEquals(Optional.empty(), DaemonLock.holder(paths), "the pid file names this test's JVM, no daemon");
    } finally {
      holder.destroyForcibly();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
