package dev.nm.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.NativeMessagingServer;
import dev.nm.protocol.ChunkAssembler;
import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.FrameException;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Message;
import dev.nm.protocol.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * A browser's side of the envelope protocol, for tests: sends requests, and on one reader thread sorts the
 * host's frames by {@code request_id}, reassembles chunks and collects each request's events until its final
 * reply. Requests may be pipelined; replies may come back in any order.
 *
 * <pre>{@code
 * try (NmClient client = NmClient.connect(server, "chrome-extension://abc/")) {
 *   Reply hello = client.call("hello", Map.of());
 *   CompletableFuture<Reply> slow = client.callAsync("job-1", "generate", Map.of("prompt", "hi"));
 *   client.cancel("job-1");
 * }
 * }</pre>
 *
 * <p>The client checks the host as a browser would, and stricter. A frame that is not an envelope, a reply or
 * event for a request that is not in flight, a request sent by the host, a broken chunk sequence or a frame
 * over 1 MiB is a protocol violation: an {@link AssertionError} quoting the offending frame, which fails
 * every pending call, every later call, and {@link #close()}.
 *
 * <p>Payloads are anything {@link dev.nm.protocol.Json#mapper()} can write: a record, a {@code Map}, a
 * {@link JsonNode}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class NmClient implements AutoCloseable {
  /** How long {@link #call} and {@link #stream} wait for a final reply unless {@link #callTimeout} says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final int QUOTED_FRAME_CHARS = 2_000;

  private final FrameReader reader;
  private final FrameWriter writer;
  private final AutoCloseable transport;
  private final EnvelopeCodec codec = new EnvelopeCodec();
  private final ChunkAssembler chunks = new ChunkAssembler(codec);
  private final Map<String, PendingCall> pending = new ConcurrentHashMap<>();
  private final Queue<PendingCall> unidentified = new ConcurrentLinkedQueue<>();
  private final Set<String> answered = ConcurrentHashMap.newKeySet();
  /** Calls failed without their reply (the client closed, the host broke the protocol): their replies may still come. */
  private final Set<String> abandoned = ConcurrentHashMap.newKeySet();
  private final AtomicLong ids = new AtomicLong();
  private volatile Duration timeout = DEFAULT_TIMEOUT;
  private volatile AssertionError violation;
  private volatile String closedBecause;

  private NmClient(FrameReader reader, FrameWriter writer, AutoCloseable transport) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  /**
   * A client on a new in-memory connection to {@code server}, as a browser port of {@code origin} would be.
   * Closing the client ends the connection.
   *
   * @throws IllegalStateException if the server is closed
   */
  public static NmClient connect(NativeMessagingServer server, String origin) {
    FramedPipe pipe = FramedPipe.open();
    try {
      server.open(pipe.host().reader(), pipe.host().writer(), origin, pipe.host());
    } catch (RuntimeException e) {
      pipe.close();
      throw e;
    }
    return over(pipe.browser());
  }

  /** A client on the browser end of a pipe; closing the client closes that end. */
  public static NmClient over(FramedPipe.End browserEnd) {
    return over(browserEnd.reader(), browserEnd.writer(), browserEnd);
  }

  /**
   * A client reading host frames from {@code reader} and writing requests to {@code writer}.
   *
   * @param transport closed by {@link #close()}; closing it must end {@code reader}'s stream, or the reader
   *     thread lingers until the host closes its side
   */
  public static NmClient over(FrameReader reader, FrameWriter writer, AutoCloseable transport) {
    NmClient client = new NmClient(reader, writer, transport);
    Thread thread = new Thread(client::readLoop, "nm-client-reader");
    thread.setDaemon(true);
    thread.start();
    return client;
  }

  /** Sets how long {@link #call}, {@link #stream} and {@link #callRaw} wait for a final reply. */
  public NmClient callTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("callTimeout must be positive, got " + timeout);
    }
    this.timeout = timeout;
    return this;
  }

  /** Sends a request with a generated id and waits for its final reply. */
  public Reply call(String route, Object payload) {
    return await(send(nextRequestId(), route, payload, null));
  }

  /**
   * Sends a request with a generated id, passes each of its events to {@code onEvent} as it arrives, and
   * waits for its final reply, which also holds the events.
   *
   * @param onEvent runs on the reader thread: it may call {@link #cancel}, but must not wait for a reply on
   *     this client. If it throws (an assertion failing in it, say), the call fails with that exception once the
   *     final reply arrives.
   */
  public Reply stream(String route, Object payload, Consumer<Message.Event> onEvent) {
    return await(send(nextRequestId(), route, payload, Objects.requireNonNull(onEvent, "onEvent")));
  }

  /** Sends a request with a generated id; the future completes with its final reply. */
  public CompletableFuture<Reply> callAsync(String route, Object payload) {
    return callAsync(nextRequestId(), route, payload);
  }

  /**
   * Sends a request with the given id, for a test that will {@link #cancel} it or that asserts on ids.
   *
   * @throws IllegalArgumentException if a request with that id is still in flight
   */
  public CompletableFuture<Reply> callAsync(String requestId, String route, Object payload) {
    return send(requestId, route, payload, null).future();
  }

  /**
   * Sends the {@code cancel} route with {@code {"request_id": requestId}}. The cancelled call still gets its
   * own final reply ({@code CANCELLED}, or its result if it finished first).
   *
   * @return the future of the {@code cancel} call's own reply; waiting for it is up to the caller, so this is
   *     safe to call from a {@link #stream} listener
   */
  public CompletableFuture<Reply> cancel(String requestId) {
    return callAsync("cancel", Map.of("request_id", requestId));
  }

  /**
   * Sends {@code body} as one frame, unchecked, and waits for the reply to it: the one carrying the
   * {@code request_id} the body declares if it declares a usable one, else the next reply without a
   * {@code request_id}. For testing how a host answers malformed input.
   */
  public Reply callRaw(byte[] body) {
    String requestId = declaredRequestId(body);
    PendingCall call = new PendingCall(requestId, null, null);
    register(call);
    write(call, body);
    return await(call);
  }

  /**
   * Fails every call still waiting and closes the transport.
   *
   * @throws AssertionError if the host violated the protocol at any point, even after the last call
   */
  @Override
  public void close() {
    if (closedBecause == null) {
      closedBecause = "the client was closed";
    }
    failAll(new AssertionError("the client was closed before the host replied"));
    try {
      transport.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot close the client's transport " + transport, e);
    }
    if (violation != null) {
      throw new AssertionError(violation.getMessage(), violation);
    }
  }

  private String nextRequestId() {
    return "nm-" + ids.incrementAndGet();
  }

  private PendingCall send(String requestId, String route, Object payload, Consumer<Message.Event> onEvent) {
    // A tree goes as it is: converting it again would read its numbers anew (2.0 as 2).
    JsonNode tree =
        payload == null ? codec.mapper().createObjectNode()
            : payload instanceof JsonNode node ? node : codec.mapper().valueToTree(payload);
    Message.Request request = new Message.Request(requestId, route, tree);
    PendingCall call = new PendingCall(requestId, route, onEvent);
    register(call);
    write(call, codec.encode(request));
    return call;
  }

  private void register(PendingCall call) {
    ensureUsable();
    if (call.requestId() == null) {
      unidentified.add(call);
    } else if (pending.putIfAbsent(call.requestId(), call) != null) {
      throw new IllegalArgumentException(
          "request id '" + call.requestId() + "' is already in flight; give each pending call its own id");
    }
    if (call.requestId() != null) {
      answered.remove(call.requestId());
    }
    if (violation != null || closedBecause != null) {
      failAll(violation != null ? violation : new AssertionError(closedBecause));
    }
  }

  private void write(PendingCall call, byte[] body) {
    try {
      writer.writeFrame(body);
    } catch (IOException e) {
      forget(call);
      throw new UncheckedIOException("cannot send " + call.describe() + ": the host's input is closed or broken", e);
    }
  }

  private void ensureUsable() {
    if (violation != null) {
      throw new AssertionError(violation.getMessage(), violation);
    }
    if (closedBecause != null) {
      throw new IllegalStateException("this client can no longer send: " + closedBecause);
    }
  }

  private Reply await(PendingCall call) {
    try {
      return call.future().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no final reply to " + call.describe() + " within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + call.describe(), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof AssertionError) {
        throw new AssertionError(cause.getMessage(), cause);
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new AssertionError(call.describe() + " failed", cause);
    }
  }

  private void readLoop() {
    try {
      byte[] frame;
      while ((frame = reader.nextFrame()) != null) {
        accept(frame);
      }
      hostClosed("the host closed its output (end of stream)");
    } catch (FrameException e) {
      violate("the host's byte stream broke framing: " + e.getMessage(), null);
    } catch (IOException e) {
      hostClosed("reading from the host failed: " + e);
    }
  }

  private void accept(byte[] frame) {
    Message message;
    try {
      message = codec.decode(frame);
      if (message instanceof Message.Chunk chunk) {
        message = assemble(chunk);
        if (message == null) {
          return;
        }
      }
    } catch (ProtocolException | RuntimeException e) {
      violate("the host sent a frame that is not a valid envelope (" + e.getMessage() + ")", frame);
      return;
    }
    dispatch(message, frame);
  }

  /**
   * The whole message once its last chunk is in, else null. A message over the limit fails its own call: the stream is
   * in sync, and the rest of its chunks are dropped as they arrive.
   */
  private Message assemble(Message.Chunk chunk) throws ProtocolException {
    try {
      return chunks.accept(chunk);
    } catch (ProtocolException e) {
      if (e.code() != ErrorCode.MESSAGE_TOO_LARGE) {
        throw e;
      }
      // It may have been one of the call's events: what the host still sends for it is dropped, as for a call given up.
      abandoned.add(chunk.requestId());
      return e.toFailure();
    }
  }

  private void dispatch(Message message, byte[] frame) {
    if (message instanceof Message.Request || message instanceof Message.Chunk) {
      String kind = message instanceof Message.Request ? "a request" : "a chunk inside chunks";
      violate("the host sent " + kind + "; only replies and events travel from host to browser", frame);
      return;
    }
    String requestId = message.requestId();
    PendingCall call;
    if (message instanceof Message.Event event) {
      call = requestId == null ? null : pending.get(requestId);
      if (call == null && requestId != null && abandoned.contains(requestId)) {
        return;
      }
      if (call == null) {
        violate(strayMessage("an event", requestId), frame);
      } else {
        call.event(event);
      }
      return;
    }
    call = requestId == null ? unidentified.poll() : pending.remove(requestId);
    if (call == null && requestId != null && abandoned.remove(requestId)) {
      return;
    }
    if (call == null) {
      violate(strayMessage("a final reply", requestId), frame);
      return;
    }
    if (requestId != null) {
      answered.add(requestId);
    }
    call.complete(message);
  }

  private String strayMessage(String what, String requestId) {
    if (requestId == null) {
      return "the host sent " + what + " without a request_id, but no malformed frame is awaiting one";
    }
    if (answered.contains(requestId)) {
      return "the host sent " + what + " for request '" + requestId + "' after its final reply";
    }
    return "the host sent " + what + " for request '" + requestId + "', which is not in flight";
  }

  private void violate(String description, byte[] frame) {
    String quoted = frame == null ? "" : "\n  frame: " + quote(frame);
    AssertionError error = new AssertionError("protocol violation: " + description + quoted);
    if (violation == null) {
      violation = error;
    }
    failAll(violation);
  }

  private void hostClosed(String reason) {
    if (closedBecause == null) {
      closedBecause = reason;
    }
    failAll(new AssertionError(reason + " while a reply was still awaited"));
  }

  private void failAll(AssertionError cause) {
    for (PendingCall call : pending.values()) {
      forget(call);
      abandoned.add(call.requestId());
      call.fail(new AssertionError(call.describe() + " failed: " + cause.getMessage(), cause));
    }
    PendingCall call;
    while ((call = unidentified.poll()) != null) {
      call.fail(new AssertionError(call.describe() + " failed: " + cause.getMessage(), cause));
    }
  }

  private void forget(PendingCall call) {
    if (call.requestId() == null) {
      unidentified.remove(call);
    } else {
      pending.remove(call.requestId(), call);
    }
  }

  /**
   * The request_id the host answers a raw frame with: read as the host reads it, so that a frame the host refuses
   * before it reads an id (not strict UTF-8, UTF-16, too deep) awaits the reply without one.
   */
  private String declaredRequestId(byte[] body) {
    try {
      return codec.decodeRequest(body).requestId();
    } catch (ProtocolException e) {
      return e.requestId();
    }
  }

  private static String quote(byte[] frame) {
    String text = new String(frame, StandardCharsets.UTF_8);
    return text.length() <= QUOTED_FRAME_CHARS
        ? text
        : text.substring(0, QUOTED_FRAME_CHARS) + "... (" + frame.length + " bytes in all)";
  }
}
