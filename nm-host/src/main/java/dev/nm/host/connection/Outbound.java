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
 * <p>Replies never wait; the connection's reader reads no further request while its peer leaves over
 * {@link ServerConnection#MAX_UNREAD_BYTES} bytes unread ({@link #awaitUnsentAtMost}). A streaming route could
 * produce events faster than a slow peer reads, so its events wait for {@link #awaitRoom room} first.
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
  /** Actions waiting for at most {@link #roomBytes} bytes to be unsent; run by the writing thread, or on close. */
  private final List<Runnable> whenRoom = new ArrayList<>();
  private final long roomBytes;
  /** {@link System#nanoTime()} when the last write ended, or the writing began. */
  private long progressNanos = System.nanoTime();

  /**
   * @param roomBytes how many bytes may wait unsent before {@link #whenRoom} defers its actions
   */
  Outbound(MessageWriter writer, long roomBytes) {
    this.writer = writer;
    this.roomBytes = roomBytes;
  }

  /**
   * Runs {@code action} now if at most the room's bytes wait unsent, else once they do, on the thread writing them (or
   * on the thread that closes the queue). A call's end is so deferred while its peer leaves too much unread: the
   * connection admits no further call in its place meanwhile, and no pool thread waits.
   */
  void whenRoom(Runnable action) {
    synchronized (this) {
      if (pendingBytes > roomBytes && !failed) {
        whenRoom.add(action);
        return;
      }
    }
    action.run();
  }

  /** The actions waiting for room, if there is room now; the caller runs them outside the lock. */
  private List<Runnable> roomMade() {
    if (whenRoom.isEmpty() || (pendingBytes > roomBytes && !failed)) {
      return List.of();
    }
    List<Runnable> ready = new ArrayList<>(whenRoom);
    whenRoom.clear();
    return ready;
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
        // Frame by frame, so that a peer reading slowly through a large batch is seen making progress.
        for (int i = 0; i < batch.size(); i++) {
          byte[] frame = batch.get(i);
          writer.write(List.of(frame), flushNow && i == batch.size() - 1);
          List<Runnable> ready;
          synchronized (this) {
            pendingBytes -= frame.length;
            progressNanos = System.nanoTime();
            notifyAll();
            ready = roomMade();
          }
          ready.forEach(Runnable::run);
        }
        if (batch.isEmpty() && flushNow) {
          writer.flush();
        }
      }
    } finally {
      if (!drained) {
        close();
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

  /** How long a write has waited for the peer without a frame written; 0 while nothing waits to be written. */
  synchronized long stalledNanos() {
    return writing && pendingBytes > 0 ? System.nanoTime() - progressNanos : 0;
  }

  /** Bytes queued or being written. */
  synchronized long unsentBytes() {
    return pendingBytes;
  }

  /**
   * Waits, however long it takes, until at most {@code bytes} wait to be written, or the queue is closed: the reader
   * reads no further request while its peer leaves that much unread, as it would if it wrote the replies itself.
   */
  synchronized void awaitUnsentAtMost(long bytes) throws InterruptedException {
    while (pendingBytes > bytes && !failed) {
      wait();
    }
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

  /** Ends the queue: what is queued is dropped, later sends fail, waiters return, and deferred actions run. */
  void close() {
    List<Runnable> ready;
    synchronized (this) {
      writing = false;
      failed = true;
      queue.clear();
      notifyAll();
      ready = roomMade();
    }
    ready.forEach(Runnable::run);
  }
}
