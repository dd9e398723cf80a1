package dev.nm.host.connection;

import dev.nm.host.Connection;
import dev.nm.host.RouteCatalog;
import dev.nm.host.middleware.Call;
import dev.nm.protocol.ErrorBody;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.FrameException;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.Message;
import dev.nm.protocol.MessageWriter;
import dev.nm.protocol.ProtocolException;
import dev.nm.protocol.ProtocolLimits;
import dev.nm.route.RateTier;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection: a reader thread that decodes frames and hands each request to a pool, and an {@link Outbound}
 * queue through which all its calls write (a peer that stops reading holds up one thread, not the pools). At most {@code maxInFlight} calls run at once; up to
 * {@value #MAX_WAITING} more wait in arrival order for one of them to end, registered and cancellable meanwhile;
 * beyond that the reader reads no further, so a flooding caller is slowed, not dropped. Protocol errors are
 * answered and reading goes on; a framing error gets one failure with a null {@code request_id}, then the
 * connection closes. At end of stream every unanswered call is cancelled and the connection ends at once.
 *
 * <p>Routes of tier {@link RateTier#UNLIMITED} run on the reader thread itself, outside the in-flight limit: no
 * hand-off to a pool, and a {@code cancel} overtakes every request waiting or queued for a worker. What the reader
 * writes (those replies, protocol errors) stays in the writer's buffer until no further whole frame is
 * buffered on the input, so a burst of requests is answered with one write; the reader flushes before any
 * wait. Replies from pool threads are flushed at once.
 */
public final class ServerConnection implements Connection {
  private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);
  private static final AtomicLong IDS = new AtomicLong();
  /**
   * The most bytes of requests one connection may have unanswered before its reader waits: two of the largest
   * frames. A caller that sends many large requests at once is slowed rather than the host running out of memory.
   */
  static final long HELD_BYTES_LIMIT = 2L * ProtocolLimits.MAX_INBOUND_FRAME_BYTES;
  /**
   * The most bytes of replies a peer may leave unread before the connection's reader reads no further request: a
   * caller that sends requests and reads no reply is stopped, not given more replies to hold.
   */
  public static final long MAX_UNREAD_BYTES = 2L * ProtocolLimits.MAX_INBOUND_FRAME_BYTES;
  /**
   * The most calls one connection may have waiting for a permit before its reader waits. Far above what a caller
   * queues on purpose, so that its {@code cancel} (read only while the reader reads) reaches calls it queued; and
   * low enough that a caller of tiny requests holds a few megabytes of calls at most.
   */
  public static final int MAX_WAITING = 4096;

  private final FrameReader frames;
  private final MessageWriter writer;
  private final Outbound outbound;
  private final String origin;
  private final AutoCloseable transport;
  private final ServingContext context;
  private final CallRegistry calls = new CallRegistry();
  /** Calls read while {@code maxInFlight} ran, in arrival order; at most {@link #MAX_WAITING}. Guarded by itself. */
  private final ArrayDeque<Admitted> waiting = new ArrayDeque<>();
  /** The calls submitted to a pool and not yet ended. Guarded by {@code waiting}. */
  private int running;
  /** The sizes of the requests of the calls waiting and running. Guarded by {@code waiting}. */
  private long heldBytes;
  private final AtomicBoolean open = new AtomicBoolean(true);
  private final AtomicBoolean ended = new AtomicBoolean();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread reader;
  /** Whether the reader left messages in the writer's buffer; touched by the reader thread only. */
  private boolean unflushed;

  /**
   * @param transport closed when the connection ends, to release the stream; null if the caller owns it
   */
  public ServerConnection(
      FrameReader frames, MessageWriter writer, String origin, AutoCloseable transport, ServingContext context) {
    this.frames = Objects.requireNonNull(frames, "frames");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.outbound = new Outbound(writer, MAX_UNREAD_BYTES);
    this.origin = Objects.requireNonNull(origin, "origin");
    this.transport = transport;
    this.context = Objects.requireNonNull(context, "context");
    this.reader = new Thread(this::readLoop, "nm-connection-" + IDS.incrementAndGet());
    reader.setDaemon(true);
  }

  /** Starts the reader thread. */
  public void start() {
    reader.start();
  }

  @Override
  public String origin() {
    return origin;
  }

  @Override
  public boolean isOpen() {
    return open.get();
  }

  @Override
  public int inFlight() {
    return calls.size();
  }

  @Override
  public void await() throws InterruptedException {
    done.await();
  }

  @Override
  public boolean await(Duration timeout) throws InterruptedException {
    return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    open.set(false);
    end();
    if (Thread.currentThread() != reader) {
      // Unblocks a reader waiting for room or on an interruptible channel.
      reader.interrupt();
    }
  }

  CallRegistry calls() {
    return calls;
  }

  ServingContext context() {
    return context;
  }

  /**
   * Writes one message unless the connection has ended.
   *
   * @return false if it was not written because the connection ended or the peer is gone
   * @throws java.io.UncheckedIOException if the message's data cannot be encoded as JSON; nothing was written
   */
  boolean deliver(Message message) {
    if (!open.get()) {
      return false;
    }
    List<byte[]> frames = writer.encode(message);
    try {
      if (Thread.currentThread() == reader) {
        outbound.send(frames, false);
        unflushed = true;
      } else {
        outbound.send(frames, true);
      }
      return true;
    } catch (IOException e) {
      writeFailed(e);
      return false;
    }
  }

  /** Sends what the reader left in the writer's buffer; the reader calls it before anything that may block. */
  private void flushReplies() {
    if (!unflushed) {
      return;
    }
    unflushed = false;
    try {
      outbound.flush();
    } catch (IOException e) {
      writeFailed(e);
    }
  }

  /**
   * Returns once the peer has room for a stream's next event: at once unless it has over
   * {@value Outbound#EVENT_ROOM_BYTES} bytes unread. Closes the connection if it reads none of them for the server's
   * write-stall time. Called outside the call's lock, which a {@code cancel} needs.
   */
  void awaitRoomForEvents() {
    try {
      if (!outbound.awaitRoom(context.writeStall())) {
        closeStalled("a stream waited to send it more");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Closes the connection if its peer has read nothing for the server's write-stall time while frames wait for it,
   * which frees the thread blocked writing to it; the server's watch calls it now and then.
   */
  public void closeIfStalled() {
    if (open.get() && outbound.stalledNanos() >= context.writeStall().toNanos()) {
      closeStalled("replies waited for it");
    }
  }

  private void closeStalled(String meanwhile) {
    log.warn("{} read nothing for {} while {}; closing its connection", origin, context.writeStall(), meanwhile);
    close();
  }

  private void writeFailed(IOException e) {
    log.debug("cannot write to {}, closing: {}", origin, e.toString());
    open.set(false);
    // Not inline: this thread may hold a call's lock, and ending cancels (and locks) every call.
    Thread closer = new Thread(this::close, reader.getName() + "-close");
    closer.setDaemon(true);
    closer.start();
  }

  private void readLoop() {
    try {
      while (open.get()) {
        if (!frames.hasBufferedFrame()) {
          flushReplies();
        }
        byte[] body = frames.nextFrame();
        if (body == null) {
          break;
        }
        accept(body);
      }
    } catch (FrameException e) {
      deliver(
          new Message.Failure(
              null,
              ErrorBody.of(e.code(), e.getMessage() + "; the stream is out of sync, so the host closes this connection")));
      flushReplies();
      awaitSent();
    } catch (IOException e) {
      if (open.get()) {
        log.debug("connection from {} failed: {}", origin, e.toString());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      flushReplies();
      open.set(false);
      end();
    }
  }

  /** Returns once the peer has at most {@link #MAX_UNREAD_BYTES} bytes of replies unread. */
  private void awaitPeerReading() throws InterruptedException {
    if (outbound.unsentBytes() > MAX_UNREAD_BYTES) {
      flushReplies();
      outbound.awaitUnsentAtMost(MAX_UNREAD_BYTES);
    }
  }

  /** Waits, a while at most, for what other threads are writing to be sent before the connection ends. */
  private void awaitSent() {
    try {
      outbound.awaitDrained(Duration.ofSeconds(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void accept(byte[] body) throws InterruptedException {
    awaitPeerReading();
    Message.Request request;
    try {
      request = writer.codec().decodeRequest(body);
    } catch (ProtocolException e) {
      deliver(e.toFailure());
      return;
    } catch (RuntimeException e) {
      // A defect of the decoder costs this request, not the connection: the frame was whole, the stream is in sync.
      log.error("could not decode a request from {}", origin, e);
      deliver(new Message.Failure(null, ErrorBody.of(ErrorCode.INTERNAL_ERROR, "the host failed to read this request: " + e)));
      return;
    }
    RouteDescriptor<?, ?> route = context.catalog().find(request.route()).map(RouteCatalog.Entry::descriptor).orElse(null);
    boolean inline = route != null && route.rateTier() == RateTier.UNLIMITED;
    if (!inline) {
      awaitRoomToWait(body.length);
    }
    InFlightCall call = new InFlightCall(request, route, this);
    if (!open.get()) {
      return;
    }
    if (!calls.register(call)) {
      refuseDuplicate(request);
      return;
    }
    if (ended.get()) { // the connection ended after the check above, and its cancelAll may have missed this call
      call.cancel(false);
      return;
    }
    if (inline) {
      context.inFlightCalls().incrementAndGet();
      run(call);
      return;
    }
    ExecutorService pool = route != null && route.rateTier() == RateTier.HEAVY ? context.heavyPool() : context.lightPool();
    Admitted admitted = new Admitted(call, pool, body.length);
    synchronized (waiting) {
      heldBytes += admitted.bytes();
      if (running == context.maxInFlight()) {
        waiting.add(admitted);
        return;
      }
      running++;
    }
    submit(admitted);
  }

  /** A call admitted to this connection, the pool that runs it, and the size of its request. */
  private record Admitted(InFlightCall call, ExecutorService pool, int bytes) {}

  /**
   * Returns once a request of {@code bytes} read now could run or wait its turn: while {@value #MAX_WAITING} calls
   * wait, or the unanswered requests add up to over {@value #HELD_BYTES_LIMIT} bytes, reads nothing further,
   * first sending what the reader buffered, since the wait may be long.
   */
  private void awaitRoomToWait(int bytes) throws InterruptedException {
    synchronized (waiting) {
      if (hasRoom(bytes)) {
        return;
      }
      // Calls cancelled while they waited still hold places until one ends; look for them only when out of room,
      // since there may be thousands to look through.
      for (Iterator<Admitted> i = waiting.iterator(); i.hasNext(); ) {
        Admitted admitted = i.next();
        if (admitted.call().isFinished()) {
          i.remove();
          heldBytes -= admitted.bytes();
        }
      }
      if (hasRoom(bytes)) {
        return;
      }
    }
    flushReplies();
    synchronized (waiting) {
      while (!hasRoom(bytes)) {
        waiting.wait();
      }
    }
  }

  /** Guarded by {@code waiting}. One request alone is always admitted, however large. */
  private boolean hasRoom(int bytes) {
    return waiting.size() < MAX_WAITING && (heldBytes == 0 || heldBytes + bytes <= HELD_BYTES_LIMIT);
  }

  /** Runs the call on its pool; when it ends, the first waiting call takes its place. */
  private void submit(Admitted admitted) {
    InFlightCall call = admitted.call();
    context.inFlightCalls().incrementAndGet();
    try {
      // The heavy pool's queue (RoundRobinQueue) reads the caller from the task: its origin's calls take turns
      // with other origins' while they wait for a worker.
      Runnable task = new RoundRobinQueue.CallerTask(origin, () -> {
        try {
          run(call);
        } finally {
          // While the peer leaves too much unread, no call takes this one's place (its reply waits in the queue).
          outbound.whenRoom(() -> callEnded(admitted));
        }
      });
      // A call cancelled while it waits for a worker leaves the pool's queue at once, with its request: a caller
      // that cancels (or reconnects) while the workers are busy leaves nothing behind to be read later.
      call.onCancel(() -> {
        if (admitted.pool() instanceof ThreadPoolExecutor queued && queued.remove(task)) {
          context.inFlightCalls().decrementAndGet();
          callEnded(admitted);
        }
      });
      admitted.pool().execute(task);
    } catch (RejectedExecutionException e) {
      context.inFlightCalls().decrementAndGet();
      call.answer(Message.Failure.of(call.requestId(), ErrorCode.CANCELLED, "the host is shutting down"));
      callEnded(admitted);
    }
  }

  /** Submits the first waiting call not cancelled meanwhile in the ended call's place, if one waits. */
  private void callEnded(Admitted ended) {
    Admitted next;
    synchronized (waiting) {
      heldBytes -= ended.bytes();
      while ((next = waiting.poll()) != null && next.call().isFinished()) {
        heldBytes -= next.bytes();
      }
      if (next == null) {
        running--;
      }
      waiting.notifyAll();
    }
    if (next != null) {
      submit(next);
    }
  }

  private void refuseDuplicate(Message.Request request) {
    deliver(
        new Message.Failure(
            request.requestId(),
            ErrorBody.of(
                ErrorCode.INVALID_REQUEST,
                "request_id '" + request.requestId() + "' is already in flight on this connection; give every request its own id",
                Map.of("field", "request_id"))));
  }

  /** Runs the call through the middleware chain on this thread and answers it. */
  private void run(InFlightCall call) {
    String requestId = call.requestId();
    try {
      if (call.isFinished()) {
        // Cancelled while it waited for a worker: it never runs, so it spends no rate-limit token and counts in no
        // metric.
        return;
      }
      Object data = context.chain().proceed(new Call(call.request(), call.descriptor(), call, call.receivedNanos()));
      call.answer(new Message.Success(requestId, data));
    } catch (RouteException e) {
      call.answer(new Message.Failure(requestId, e.toErrorBody()));
    } catch (RuntimeException | Error e) {
      log.error("middleware failed on request {}", requestId, e);
      call.answer(
          Message.Failure.of(
              requestId,
              ErrorCode.INTERNAL_ERROR,
              "the host failed to serve this request; its log has the details under request_id " + requestId));
    } finally {
      context.inFlightCalls().decrementAndGet();
    }
  }

  private void end() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    // The transport first: a call blocked writing to a peer that stopped reading holds its lock until the write
    // fails, and cancelling the call needs that lock.
    if (transport != null) {
      try {
        transport.close();
      } catch (Exception e) {
        log.debug("closing the transport of {} failed: {}", origin, e.toString());
      }
    }
    outbound.close();
    try {
      calls.cancelAll();
    } finally {
      context.onClosed().accept(this);
      done.countDown();
    }
  }
}
