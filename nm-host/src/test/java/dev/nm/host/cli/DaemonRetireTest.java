package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.nm.host.HostPaths;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A retiring daemon makes way for its successor even when it cannot record itself as retired. */
class DaemonRetireTest {
  @TempDir Path home;

  @Test
  void aRecordThatCannotBeWrittenStillGivesUpThePidFileAndTheLock() throws Exception {
    HostPaths paths = new HostPaths(home, home.resolve("models"));
    FileLock lock = DaemonLock.tryAcquire(paths);
    assertNotNull(lock);
    Files.writeString(paths.daemonPidFile(), ProcessHandle.current().pid() + "\n");
    // Stands for a full disk: the record's name is taken by a directory that is not empty.
    Path record = paths.retiredDaemonRecord(ProcessHandle.current().pid());
    Files.createDirectories(record.resolve("x"));

    Daemon.giveUpPlace(paths, lock);

    assertFalse(lock.channel().isOpen(), "the lock is given up for a successor");
    assertFalse(Files.exists(paths.daemonPidFile()));
  }
}
