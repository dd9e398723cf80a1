package dev.nm.host.connection;

import dev.nm.protocol.MessageWriter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames one connection has to send, and which thread sends them. The thread that finds no one writing writes
 * its own frames and then whatever others queued meanwhile; a thread that finds someone writing queues its frames
 * and goes on. A peer that stops reading so holds up the one thread writing to it, not every pool thread (shared by
 * all connections) that has a reply for it. Thread-safe.
 *
 * <p>Replies never wait: what they hold is bounded by the calls a connection may have running. A streaming route
 * could produce events faster than a slow peer reads, so its events wait for {@link #awaitRoom room} first.
 */
final class Outbound {
  /** The most bytes queued before a route's next event waits for the peer to read. */
  static final long EVENT_ROOM_BYTES = 4L << 20;

  private final MessageWriter writer;
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  /** Bytes queued or being written. */
  private long pendingBytes;
  private boolean writing;
  private boolean flushWanted;
  private boolean failed;
  /** {@link System#nanoTime()} when the last write ended, or the writing began. */
  private long progressNanos = System.nanoTime();

  Outbound(MessageWriter writer) {
    this.writer = writer;
  }

  /**
   * Queues the frames, then writes them and any queued after them unless another thread is writing, which will.
   *
   * @param flush whether they must leave the writer's buffer now; the reader leaves its replies there until it would
   *     wait (see {@link #flush})
   * @throws IOException if this thread's write failed, or an earlier one did: the peer is gone
   */
  void send(List<byte[]> frames, boolean flush) throws IOException {
    synchronized (this) {
      if (failed) {
        throw new IOException("an earlier write to this connection failed");
      }
      for (byte[] frame : frames) {
        queue.add(frame);
        pendingBytes += frame.length;
      }
      flushWanted |= flush;
      if (writing) {
        return;
      }
      writing = true;
      progressNanos = System.nanoTime();
    }
    drain();
  }

  /** Sends what earlier sends left in the writer's buffer, unless another thread is writing, which will. */
  void flush() throws IOException {
    send(List.of(), true);
  }

  private void drain() throws IOException {
    boolean drained = false;
    try {
      while (true) {
        List<byte[]> batch;
        boolean flushNow;
        synchronized (this) {
          if (queue.isEmpty() && !flushWanted) {
            writing = false;
            drained = true;
            return;
          }
          batch = new ArrayList<>(queue);
          queue.clear();
          flushNow = flushWanted;
          flushWanted = false;
        }
        writer.write(batch, flushNow);
        long written = batch.stream().mapToLong(frame -> frame.length).sum();
        synchronized (this) {
          pendingBytes -= written;
          progressNanos = System.nanoTime();
          notifyAll();
        }
      }
    } finally {
      if (!drained) {
        synchronized (this) {
          writing = false;
          failed = true;
          queue.clear();
          notifyAll();
        }
      }
    }
  }

  /**
   * Waits while over {@value #EVENT_ROOM_BYTES} bytes wait to be written, as long as the writing goes on.
   *
   * @return false if no write ended for {@code stall} while waiting: the peer stopped reading
   */
  boolean awaitRoom(Duration stall) throws InterruptedException {
    return awaitPendingAtMost(EVENT_ROOM_BYTES, stall);
  }

  /**
   * Waits until all that was queued has been written or the writing failed, as long as it goes on.
   *
   * @return false if no write ended for {@code stall} while waiting
   */
  boolean awaitDrained(Duration stall) throws InterruptedException {
    return awaitPendingAtMost(0, stall);
  }

  private synchronized boolean awaitPendingAtMost(long bytes, Duration stall) throws InterruptedException {
    while (pendingBytes > bytes && !failed) {
      long stalledNanos = System.nanoTime() - progressNanos;
      if (stalledNanos >= stall.toNanos()) {
        return false;
      }
      long waitMillis = Math.max(1, (stall.toNanos() - stalledNanos) / 1_000_000);
      wait(waitMillis);
    }
    return true;
  }

  /** Ends the queue: what is queued is dropped, later sends fail, and waiters return. */
  synchronized void close() {
    failed = true;
    queue.clear();
    notifyAll();
  }
}
