package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock that makes the daemon one per user: the running daemon holds an exclusive lock on
 * {@link HostPaths#daemonLock()} for its whole life, and the operating system drops it when the process
 * dies, however it dies. Holding it is therefore also the daemon's proof of life, more reliable than a pid
 * file whose pid may have been reused. The holder records itself ({@link DaemonRecord}) in the file as soon as
 * it holds the lock, long before it writes its pid file, which says it takes ports.
 */
final class DaemonLock {
  /** A look at the lock ({@link #isHeld}) holds it for microseconds; a daemon holds it for its life. */
  private static final int ACQUIRE_ATTEMPTS = 10;

  private static final long ACQUIRE_RETRY_MILLIS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(DaemonLock.class);
  /**
   * The locked byte: past any content, so that the holder's record at the start of the file stays readable
   * where locks are mandatory (Windows).
   */
  private static final long LOCKED_POSITION = Long.MAX_VALUE - 1;

  private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

  private DaemonLock() {}

  /**
   * Takes the lock for this process and records it as the holder, or returns null when a running daemon holds it.
   * A lock held for a moment only is waited for: {@link #isHeld}, which relays and {@code daemon status} call,
   * takes it to look, and a daemon starting in that moment would otherwise take itself for a second one and exit.
   */
  static FileLock tryAcquire(HostPaths paths) throws IOException {
    return tryAcquire(paths, ACQUIRE_ATTEMPTS);
  }

  /** As {@link #tryAcquire(HostPaths)}, trying {@code attempts} times, {@value #ACQUIRE_RETRY_MILLIS} ms apart. */
  static FileLock tryAcquire(HostPaths paths, int attempts) throws IOException {
    FileChannel channel = open(paths);
    FileLock lock = channel.tryLock(LOCKED_POSITION, 1, false);
    for (int attempt = 1; lock == null && attempt < attempts; attempt++) {
      try {
        Thread.sleep(ACQUIRE_RETRY_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      lock = channel.tryLock(LOCKED_POSITION, 1, false);
    }
    if (lock == null) {
      channel.close();
      return null;
    }
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(DaemonRecord.ofThisProcess().line().getBytes(StandardCharsets.US_ASCII)), 0);
    } catch (IOException e) {
      // A full disk: the lock alone keeps the daemon one per user; status then says only that one is starting.
      LOG.warn("cannot record this daemon in {} ({})", paths.daemonLock(), e.toString());
    }
    return lock;
  }

  /** Whether a live daemon holds the lock now. */
  static boolean isHeld(HostPaths paths) throws IOException {
    try (FileChannel channel = open(paths); FileLock lock = channel.tryLock(LOCKED_POSITION, 1, false)) {
      return lock == null;
    }
  }

  /**
   * The daemon holding the lock now; empty when none does, or in the moment after a daemon took it and before
   * it recorded itself. A daemon of an earlier version (an upgrade installed beside the one still running) locks
   * the whole file and writes no record: an empty lock file names the process of the pid file, if that process
   * started before the pid file was written (not one that took the pid of a daemon killed with SIGKILL).
   */
  static Optional<ProcessHandle> holder(HostPaths paths) throws IOException {
    if (!isHeld(paths)) {
      return Optional.empty();
    }
    byte[] record;
    try {
      record = Files.readAllBytes(paths.daemonLock());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return record.length == 0
        ? earlierVersionsDaemon(paths)
        : DaemonRecord.parse(new String(record, StandardCharsets.US_ASCII)).flatMap(DaemonRecord::process);
  }

  /** The process of the pid file, as an earlier version's daemon wrote it, if it started before it was written. */
  private static Optional<ProcessHandle> earlierVersionsDaemon(HostPaths paths) throws IOException {
    Path pidFile = paths.daemonPidFile();
    long pid;
    Instant written;
    try {
      pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
      written = Files.getLastModifiedTime(pidFile).toInstant();
    } catch (NoSuchFileException | NumberFormatException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().startInstant().map(started -> !started.isAfter(written)).orElse(true));
  }

  private static FileChannel open(HostPaths paths) throws IOException {
    paths.createHome();
    createRunDirectory(paths.runDir());
    return FileChannel.open(paths.daemonLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  /**
   * The run directory holds the socket: only its owner may reach it. One that exists with a wider mode (made by
   * hand, or by something else) is narrowed; one of another user's cannot be, and fails.
   */
  static void createRunDirectory(Path runDir) throws IOException {
    if (!Files.isDirectory(runDir)) {
      Files.createDirectories(runDir);
    }
    // Windows has no POSIX modes (a user's profile is private there already).
    if (runDir.getFileSystem().supportedFileAttributeViews().contains("posix")
        && !Files.getPosixFilePermissions(runDir).equals(PRIVATE)) {
      Files.setPosixFilePermissions(runDir, PRIVATE);
    }
  }
}
