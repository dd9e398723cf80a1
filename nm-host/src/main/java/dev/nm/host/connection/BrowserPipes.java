package dev.nm.host.connection;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A relay's stdin and stdout, the pipes its browser started it with, opened by the resident host so that
 * frames pass between browser and host with no process in between. On Linux another process of the same user
 * opens a process's pipes through {@code /proc/PID/fd/N}: the kernel gives the opener its own reading (or
 * writing) end of the same pipe, never blocks the open, and reports the browser closing its side as end of
 * input and a broken pipe, as it does to the relay. Systems without {@code /proc} refuse, and the relay passes
 * frames on instead.
 *
 * @param in the browser's requests
 * @param out where the replies go
 */
record BrowserPipes(FileChannel in, FileChannel out) implements AutoCloseable {
  /**
   * Opens the stdin and stdout of process {@code pid}.
   *
   * @throws IOException saying why they cannot be taken: no {@code /proc}, not pipes, or not permitted
   */
  static BrowserPipes open(long pid) throws IOException {
    Path fds = Path.of("/proc", Long.toString(pid), "fd");
    Path stdin = requirePipe(fds.resolve("0"), "stdin");
    Path stdout = requirePipe(fds.resolve("1"), "stdout");
    FileChannel in = FileChannel.open(stdin, StandardOpenOption.READ);
    try {
      return new BrowserPipes(in, FileChannel.open(stdout, StandardOpenOption.WRITE));
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /**
   * Only a pipe is shared by reopening: a file would be read from its start, and a terminal or socket is not
   * the browser's port.
   */
  private static Path requirePipe(Path fd, String name) throws IOException {
    String target;
    try {
      target = Files.readSymbolicLink(fd).toString();
    } catch (IOException | UnsupportedOperationException e) {
      throw new IOException("cannot see the relay's " + name + " at " + fd + " (" + e + ")", e);
    }
    if (!target.startsWith("pipe:")) {
      throw new IOException("the relay's " + name + " is " + target + ", not a pipe");
    }
    return fd;
  }

  /** Closes both ends; a reader blocked on {@link #in} is released. */
  @Override
  public void close() throws IOException {
    try {
      in.close();
    } finally {
      out.close();
    }
  }
}
