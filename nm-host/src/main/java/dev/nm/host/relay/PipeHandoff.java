package dev.nm.host.relay;

import dev.nm.host.HostPaths;
import dev.nm.host.connection.PipeHandoffFiles;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A relay's fast way to hand its browser pipes to the running daemon: through files ({@link PipeHandoffFiles})
 * instead of the daemon's socket, whose first use costs a JVM 10-14 ms. The daemon takes the pipes 1-2 ms after
 * the request appears and may be writing the browser's first reply before the relay knows it took them.
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

  /**
   * Offers this process's pipes to the running daemon, if one takes requests, and waits for its answer. Up to the
   * answer it uses {@code java.io}, which the JVM has set up as it started, where {@code java.nio.file} would first
   * load the JDK's NIO library and file-channel classes: the daemon may be replying to the browser meanwhile.
   */
  static Outcome offer(HostPaths paths, String origin, long ownPid) {
    String daemonPid = daemonPid(paths);
    String startTime = PipeHandoffFiles.startTime(Long.toString(ownPid));
    if (daemonPid == null || startTime == null) {
      return new Unanswered();
    }
    PipeHandoffFiles files = new PipeHandoffFiles(paths.handoffDir(Long.parseLong(daemonPid)), ownPid);
    // A relay killed before it cleaned up (browsers kill a host 2 s after its port ends) may have had this process
    // id: its answer is not this relay's.
    files.taken().toFile().delete();
    files.refused().toFile().delete();
    files.claiming().toFile().delete();
    File draft = files.draft().toFile();
    try (FileOutputStream out = new FileOutputStream(draft)) {
      out.write(PipeHandoffFiles.request(origin, startTime));
    } catch (IOException e) {
      // No such directory: the daemon predates hand-offs, is starting, or is gone.
      return new Unanswered();
    }
    if (!draft.renameTo(files.request().toFile())) {
      draft.delete();
      return new Unanswered();
    }
    return awaitAnswer(files, new File("/proc/".concat(daemonPid)));
  }

  private static Outcome awaitAnswer(PipeHandoffFiles files, File daemonProcess) {
    File request = files.request().toFile();
    File taken = files.taken().toFile();
    File refused = files.refused().toFile();
    File closed = PipeHandoffFiles.closed(files.dir()).toFile();
    long deadline = System.nanoTime() + ANSWER_TIMEOUT_NANOS;
    long pause = FIRST_POLL_NANOS;
    while (true) {
      if (taken.exists()) {
        try {
          return new Taken(files, FileChannel.open(files.taken(), StandardOpenOption.READ));
        } catch (IOException e) {
          // Only this relay removes it; looked for again until the daemon is gone.
        }
      }
      if (refused.exists()) {
        return new Refused(readAndDelete(files.refused()));
      }
      if (!daemonProcess.exists()) {
        // Whatever it had claimed, a daemon that is gone holds none of this process's pipes.
        request.delete();
        files.claiming().toFile().delete();
        return new Unanswered();
      }
      // The request is withdrawn by deleting it, which fails once the daemon has claimed it.
      if ((closed.exists() || System.nanoTime() > deadline) && request.delete()) {
        return new Unanswered();
      }
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
      try (FileOutputStream out = new FileOutputStream(scratch.draft().toFile())) {
        out.write(PipeHandoffFiles.request("rehearsal", "0"));
      }
      if (!scratch.draft().toFile().renameTo(scratch.taken().toFile()) || scratch.refused().toFile().exists()) {
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
    try (FileInputStream in = new FileInputStream(paths.daemonPidFile().toFile())) {
      String pid = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
      return PipeHandoffFiles.processId(pid) == 0 ? null : pid;
    } catch (IOException e) {
      return null;
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
