package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import dev.nm.host.connection.PipeHandoffFiles;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A relay's fast way to hand its browser pipes to the running daemon: through files ({@link PipeHandoffFiles})
 * instead of the daemon's socket, whose first use costs a JVM 10-14 ms. The daemon answers the request in well
 * under a millisecond and may be writing the browser's first reply before the relay knows it took the pipes.
 */
final class PipeHandoff {
  /** How long a running daemon may leave a request unanswered before the relay turns to the socket. */
  private static final long ANSWER_TIMEOUT_NANOS = 5_000_000_000L;
  private static final long FIRST_POLL_NANOS = 50_000;
  private static final long LAST_POLL_NANOS = 5_000_000;

  /** What became of the request. */
  sealed interface Outcome {}

  /** The daemon serves the pipes; {@code taken} is open on {@link PipeHandoffFiles#taken()}. */
  record Taken(PipeHandoffFiles files, FileChannel taken) implements Outcome {}

  /** The daemon cannot take the pipes: frames must pass through the relay. */
  record Refused(String reason) implements Outcome {}

  /** No daemon took the request (none runs, or it is retiring or stuck): the socket decides. */
  record Unanswered() implements Outcome {}

  private PipeHandoff() {}

  /** Offers this process's pipes to the running daemon, if one takes requests, and waits for its answer. */
  static Outcome offer(HostPaths paths, String origin, long ownPid) {
    String daemonPid = daemonPid(paths);
    String startTime = PipeHandoffFiles.startTime(Long.toString(ownPid));
    if (daemonPid == null || startTime == null) {
      return new Unanswered();
    }
    Path dir = paths.handoffDir(Long.parseLong(daemonPid));
    PipeHandoffFiles files = new PipeHandoffFiles(dir, ownPid);
    try {
      Files.write(files.draft(), PipeHandoffFiles.request(origin, startTime));
      Files.move(files.draft(), files.request(), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // No such directory: the daemon predates hand-offs, is starting, or is gone.
      deleteQuietly(files.draft());
      return new Unanswered();
    }
    return awaitAnswer(files, new File("/proc/".concat(daemonPid)));
  }

  private static Outcome awaitAnswer(PipeHandoffFiles files, File daemonProcess) {
    long deadline = System.nanoTime() + ANSWER_TIMEOUT_NANOS;
    long pause = FIRST_POLL_NANOS;
    while (true) {
      if (Files.exists(files.taken())) {
        try {
          return new Taken(files, FileChannel.open(files.taken(), StandardOpenOption.READ));
        } catch (IOException e) {
          return new Refused("cannot open " + files.taken() + ": " + e);
        }
      }
      if (Files.exists(files.refused())) {
        return new Refused(readAndDelete(files.refused()));
      }
      if (!daemonProcess.exists()) {
        // Whatever it had claimed, a daemon that is gone holds none of this process's pipes.
        withdraw(files.request());
        withdraw(files.claiming());
        return new Unanswered();
      }
      if ((Files.exists(PipeHandoffFiles.closed(files.dir())) || System.nanoTime() > deadline)
          && withdraw(files.request())) {
        return new Unanswered();
      }
      // Else the daemon has claimed the request: its answer follows, unless it dies.
      sleep(pause);
      pause = Math.min(pause * 2, LAST_POLL_NANOS);
    }
  }

  /**
   * Waits until the daemon lets the port go or dies; returns the relay's exit code: 0 when the port ended, 1 when
   * the daemon died with it open (the browser then reports "Native host has exited").
   */
  static int awaitRelease(Taken taken) {
    try (FileChannel channel = taken.taken()) {
      channel.lock(0, 1, true);
      ByteBuffer mark = ByteBuffer.allocate(1);
      channel.read(mark, 0);
      return mark.position() == 1 && mark.get(0) == PipeHandoffFiles.RELEASED ? 0 : 1;
    } catch (IOException e) {
      return 1;
    } finally {
      deleteQuietly(taken.files().taken());
    }
  }

  /**
   * Runs the file operations of a hand-off once, on a scratch file in the run directory (which the daemon
   * created): the launch that records the class-data archive usually starts the daemon and hands nothing over,
   * and later launches then map these classes instead of loading them.
   */
  static void rehearse(HostPaths paths, long ownPid) {
    PipeHandoffFiles scratch = new PipeHandoffFiles(paths.runDir(), ownPid);
    try {
      Files.write(scratch.draft(), PipeHandoffFiles.request("rehearsal", "0"));
      Files.move(scratch.draft(), scratch.taken(), StandardCopyOption.ATOMIC_MOVE);
      if (Files.exists(scratch.refused()) || !new File("/proc/self").exists()) {
        return;
      }
      awaitRelease(new Taken(scratch, FileChannel.open(scratch.taken(), StandardOpenOption.READ)));
    } catch (IOException e) {
      // Only an archive that lacks a few classes is lost.
    } finally {
      deleteQuietly(scratch.draft());
      deleteQuietly(scratch.taken());
    }
  }

  private static String daemonPid(HostPaths paths) {
    try {
      String pid = Files.readString(paths.daemonPidFile(), StandardCharsets.US_ASCII).trim();
      for (int i = 0; i < pid.length(); i++) {
        if (pid.charAt(i) < '0' || pid.charAt(i) > '9') {
          return null;
        }
      }
      return pid.isEmpty() ? null : pid;
    } catch (IOException e) {
      return null;
    }
  }

  /** Deletes the request if no daemon claimed it yet; whether it did. */
  private static boolean withdraw(Path request) {
    try {
      Files.delete(request);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String readAndDelete(Path refused) {
    try {
      return Files.readString(refused, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "refused";
    } finally {
      deleteQuietly(refused);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Left for the next daemon, which removes the directories of daemons that are gone.
    }
  }

  private static void sleep(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
