package dev.nm.host.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;

/**
 * Keeps standard output for frames. In host mode the browser reads every byte on stdout as part of a frame,
 * so one stray {@code System.out.println} from any library would break the connection. {@link #claim()}
 * hands out the real stdout once and points {@code System.out} at stderr, before anything else runs.
 */
final class StdoutGuard {
  private StdoutGuard() {}

  /** The real standard output, for frames only; from now on {@code System.out} writes to stderr. */
  static OutputStream claim() {
    OutputStream frames = new FileOutputStream(FileDescriptor.out);
    System.setOut(System.err);
    return frames;
  }
}
