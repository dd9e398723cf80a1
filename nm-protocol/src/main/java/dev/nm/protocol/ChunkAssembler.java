package dev.nm.protocol;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Client side of chunking: collects {@link Message.Chunk}s per request id and yields the whole message once
 * the last chunk arrives. Chunks of one message arrive in order (the host's writer guarantees it); anything
 * else is a protocol error, after which the partial message is dropped. A message longer than the limit is
 * refused at the chunk that crosses it, and the rest of its chunks are dropped as they arrive, so the other
 * messages of the stream are unaffected. The reassembled message must carry its chunks' {@code request_id}.
 * Not thread-safe: use it from the connection's reader thread.
 */
public final class ChunkAssembler {
  private final EnvelopeCodec codec;
  private final int maxMessageChars;
  private final Map<String, Partial> partials = new HashMap<>();

  /**
   * An assembler that decodes reassembled messages with {@code codec}, each at most
   * {@link ProtocolLimits#MAX_REASSEMBLED_MESSAGE_CHARS} characters long.
   */
  public ChunkAssembler(EnvelopeCodec codec) {
    this(codec, ProtocolLimits.MAX_REASSEMBLED_MESSAGE_CHARS);
  }

  /** An assembler for messages of at most {@code maxMessageChars} characters (UTF-16 units). */
  public ChunkAssembler(EnvelopeCodec codec, int maxMessageChars) {
    if (maxMessageChars < 1) {
      throw new IllegalArgumentException("maxMessageChars < 1: " + maxMessageChars);
    }
    this.codec = Objects.requireNonNull(codec, "codec");
    this.maxMessageChars = maxMessageChars;
  }

  /**
   * Takes one chunk.
   *
   * @return the reassembled message after the final chunk, else null
   * @throws ProtocolException {@link ErrorCode#INVALID_FRAME} if a chunk is out of order or changes its total, or
   *     the chunks reassemble a message of another request;
   *     {@link ErrorCode#MESSAGE_TOO_LARGE} at the chunk that takes its message over the limit
   */
  public Message accept(Message.Chunk chunk) throws ProtocolException {
    String requestId = chunk.requestId();
    Partial partial = partials.get(requestId);
    if (partial == null) {
      if (chunk.seq() != 0) {
        throw outOfOrder(chunk, 0, chunk.total());
      }
      partial = new Partial(chunk.total());
      partials.put(requestId, partial);
    } else if (chunk.seq() != partial.next || chunk.total() != partial.total) {
      partials.remove(requestId);
      throw outOfOrder(chunk, partial.next, partial.total);
    }
    partial.next++;
    boolean complete = partial.next == partial.total;
    if (complete) {
      partials.remove(requestId);
    }
    if (partial.text == null) {
      return null;
    }
    if (chunk.data().length() > maxMessageChars - partial.text.length()) {
      partial.text = null;
      throw tooLarge(chunk);
    }
    partial.text.append(chunk.data());
    if (!complete) {
      return null;
    }
    Message message = codec.decode(partial.text.toString().getBytes(StandardCharsets.UTF_8));
    if (!Objects.equals(message.requestId(), requestId)) {
      throw new ProtocolException(
          ErrorCode.INVALID_FRAME,
          requestId,
          "the chunks of request " + requestId + " reassemble a message of request " + message.requestId());
    }
    return message;
  }

  /** How many messages are partly received (or, past the limit, partly dropped). */
  public int pending() {
    return partials.size();
  }

  private static ProtocolException outOfOrder(Message.Chunk chunk, int expectedSeq, int expectedTotal) {
    return new ProtocolException(
        ErrorCode.INVALID_FRAME,
        chunk.requestId(),
        "chunk "
            + chunk.seq()
            + "/"
            + chunk.total()
            + " of request "
            + chunk.requestId()
            + " arrived; expected chunk "
            + expectedSeq
            + "/"
            + expectedTotal);
  }

  private ProtocolException tooLarge(Message.Chunk chunk) {
    return new ProtocolException(
        ErrorCode.MESSAGE_TOO_LARGE,
        chunk.requestId(),
        "the chunks of request "
            + chunk.requestId()
            + " exceed "
            + maxMessageChars
            + " characters at chunk "
            + chunk.seq()
            + "/"
            + chunk.total()
            + "; the message is dropped, and so are its remaining chunks");
  }

  private static final class Partial {
    final int total;
    /** The text so far; null once the message went over the limit and its remaining chunks are dropped. */
    StringBuilder text = new StringBuilder();
    int next;

    Partial(int total) {
      this.total = total;
    }
  }
}
