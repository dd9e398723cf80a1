package dev.nm.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.ProtocolLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.channels.Pipe;
import org.apiguardian.api.API;

/**
 * An in-memory, framed, full-duplex connection between a browser end and a host end, the way a browser and a
 * host process are connected by two OS pipes. Each end reads what the other writes, in native byte order and
 * under the browser's limits: the host end writes frames of at most 1 MiB and reads up to 64 MiB, the browser
 * end the other way round, so a host that breaks the browser's limit fails here as it would in Chromium.
 *
 * <pre>{@code
 * try (FramedPipe pipe = FramedPipe.open()) {
 *   server.open(pipe.host().reader(), pipe.host().writer(), origin);
 *   NmClient client = NmClient.over(pipe.browser());
 * }
 * }</pre>
 *
 * <p>{@link End#shutdownOutput()} is the browser closing the host's stdin: the other end reads a clean end of
 * stream after the frames already written. {@link End#close()} closes both directions of one end.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class FramedPipe implements AutoCloseable {
  private final End browser;
  private final End host;

  private FramedPipe(Pipe browserToHost, Pipe hostToBrowser) {
    ByteOrder order = ByteOrder.nativeOrder();
    int toHost = ProtocolLimits.MAX_INBOUND_FRAME_BYTES;
    int toBrowser = ProtocolLimits.MAX_OUTBOUND_FRAME_BYTES;
    this.browser =
        new End(
            hostToBrowser.source(),
            browserToHost.sink(),
            FrameReader.of(hostToBrowser.source(), toBrowser, order),
            FrameWriter.of(browserToHost.sink(), toHost, order));
    this.host =
        new End(
            browserToHost.source(),
            hostToBrowser.sink(),
            FrameReader.of(browserToHost.source(), toHost, order),
            FrameWriter.of(hostToBrowser.sink(), toBrowser, order));
  }

  /** Opens a new pipe; close it (or both ends) when done. */
  public static FramedPipe open() {
    try {
      return new FramedPipe(Pipe.open(), Pipe.open());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open an in-memory pipe", e);
    }
  }

  /** The browser's end: reads host frames (at most 1 MiB each), writes browser frames. */
  public End browser() {
    return browser;
  }

  /** The host's end: reads browser frames (at most 64 MiB each), writes host frames (at most 1 MiB each). */
  public End host() {
    return host;
  }

  /** Closes both ends. */
  @Override
  public void close() {
    browser.close();
    host.close();
  }

  /**
   * One end of a {@link FramedPipe}. Reading blocks until the other end writes a frame, shuts its output down
   * ({@link FrameReader#nextFrame()} returns null) or this end is closed.
   */
  @API(status = EXPERIMENTAL, since = "0.1")
  public static final class End implements AutoCloseable {
    private final Pipe.SourceChannel in;
    private final Pipe.SinkChannel out;
    private final FrameReader reader;
    private final FrameWriter writer;

    private End(Pipe.SourceChannel in, Pipe.SinkChannel out, FrameReader reader, FrameWriter writer) {
      this.in = in;
      this.out = out;
      this.reader = reader;
      this.writer = writer;
    }

    /** Frames written by the other end. One thread reads at a time. */
    public FrameReader reader() {
      return reader;
    }

    /** Frames to the other end. Thread-safe. */
    public FrameWriter writer() {
      return writer;
    }

    /** Stops writing: the other end reads the frames already written, then end of stream. Idempotent. */
    public void shutdownOutput() {
      closeQuietly(out);
    }

    /**
     * Closes both directions. The other end reads end of stream; its writes fail with an {@link IOException};
     * a read blocked on this end fails with {@link java.nio.channels.AsynchronousCloseException}. Idempotent.
     */
    @Override
    public void close() {
      closeQuietly(out);
      closeQuietly(in);
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
      try {
        channel.close();
      } catch (IOException e) {
        // An in-memory pipe has nothing to flush: closing it cannot lose data, so there is nothing to report.
      }
    }
  }
}
