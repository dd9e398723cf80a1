package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The lock that makes the daemon one per user: the running daemon holds an exclusive lock on
 * {@link HostPaths#daemonLock()} for its whole life, and the operating system drops it when the process
 * dies, however it dies. Holding it is therefore also the daemon's proof of life, more reliable than a pid
 * file whose pid may have been reused.
 */
final class DaemonLock {
  private DaemonLock() {}

  /** Takes the lock for this process, or returns null when a running daemon holds it. */
  static FileLock tryAcquire(HostPaths paths) throws IOException {
    FileChannel channel = open(paths);
    FileLock lock = channel.tryLock();
    if (lock == null) {
      channel.close();
    }
    return lock;
  }

  /** Whether a live daemon holds the lock now. */
  static boolean isHeld(HostPaths paths) throws IOException {
    try (FileChannel channel = open(paths); FileLock lock = channel.tryLock()) {
      return lock == null;
    }
  }

  private static FileChannel open(HostPaths paths) throws IOException {
    createRunDirectory(paths.runDir());
    return FileChannel.open(paths.daemonLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  /** The run directory holds the socket: only its owner may reach it. */
  static void createRunDirectory(Path runDir) throws IOException {
    if (!Files.isDirectory(runDir)) {
      Files.createDirectories(runDir);
      Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwx------"));
    }
  }
}
