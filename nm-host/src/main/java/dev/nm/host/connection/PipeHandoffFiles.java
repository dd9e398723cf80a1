package dev.nm.host.connection;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The files through which a relay hands its browser pipes to the resident host without a socket. A relay's
 * first reply then waits for its JVM to start and write one file, not for the JDK's first Unix-domain socket,
 * whose security set-up alone takes 10-14 ms of every launch; the socket's {@link RelayHandshake} stays for
 * everything else (starting a daemon, passing frames on, the command line).
 *
 * <p>In the directory of one resident host ({@code run/handoff-HOSTPID}, private like all of {@code run/}), for
 * a relay with process id {@code PID}:
 *
 * <pre>
 * PID.new       the relay writes its origin and its start time (field 22 of /proc/PID/stat), one per line,
 * PID           and renames the file to this: a request, which the host sees through its watch on the directory
 * PID.claiming  the host renamed the request: claimed. A relay withdraws by deleting PID; one of the two wins
 * PID.taken     the host serves the pipes and holds a lock on this file's first byte until the port ends; the
 *               file is empty until then, when the host writes {@link #RELEASED} there first. The relay waits for a
 *               shared lock on that byte: it gets it when the port ends or when the host dies (the kernel drops a
 *               dead process's locks), and the byte tells which
 * PID.refused   the host cannot take the pipes, and says why: the relay passes frames on through the socket
 * closed        the host takes no more requests (retiring or stopping): a waiting relay withdraws
 * </pre>
 *
 * @param dir the host's hand-off directory
 * @param relayPid the relay's process id
 */
public record PipeHandoffFiles(Path dir, long relayPid) {
  // Every browser launch runs this code: String.concat, not +, which the first time sets up the JDK's
  // method-handle machinery (5-7 ms on Java 17).
  /** The first byte of {@link #taken()} once the port has ended and the relay may exit normally. */
  public static final byte RELEASED = 'R';

  private static final String CLOSED = "closed";

  public Path draft() {
    return dir.resolve(Long.toString(relayPid).concat(".new"));
  }

  public Path request() {
    return dir.resolve(Long.toString(relayPid));
  }

  public Path claiming() {
    return dir.resolve(Long.toString(relayPid).concat(".claiming"));
  }

  public Path taken() {
    return dir.resolve(Long.toString(relayPid).concat(".taken"));
  }

  public Path refused() {
    return dir.resolve(Long.toString(relayPid).concat(".refused"));
  }

  /** The marker of a host that takes no more requests. */
  public static Path closed(Path dir) {
    return dir.resolve(CLOSED);
  }

  /**
   * The process id that {@code text} is, all of it decimal digits (a request's file name, a pid file's content
   * trimmed, the end of a hand-off directory's name); 0 if it is not one.
   */
  public static long processId(String text) {
    if (text.isEmpty() || text.length() > 18) {
      return 0;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return 0;
      }
    }
    return Long.parseLong(text);
  }

  /** A request's content: the origin and the relay's start time. */
  public static byte[] request(String origin, String startTime) {
    return origin.concat("\n").concat(startTime).concat("\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * When process {@code pid} started, in clock ticks since boot (field 22 of {@code /proc/PID/stat}): with the
   * process id it names one process, where a process id alone may be reused.
   *
   * @return null if there is no such process or no {@code /proc}
   */
  public static String startTime(String pid) {
    String stat;
    try (FileInputStream in = new FileInputStream("/proc/".concat(pid).concat("/stat"))) {
      stat = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return null;
    }
    // Field 2, the command name, is in parentheses and may hold spaces and parentheses of its own.
    int commandEnd = stat.lastIndexOf(')');
    if (commandEnd < 0 || commandEnd + 2 > stat.length()) {
      return null;
    }
    String[] fields = stat.substring(commandEnd + 2).split(" ", 21);
    return fields.length >= 20 ? fields[19] : null;
  }
}
