package dev.nm.protocol;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Client side of chunking: collects {@link Message.Chunk}s per request id and yields the whole message once
 * the last chunk arrives. Chunks of one message arrive in order (the host's writer guarantees it); anything
 * else is a protocol error, after which the partial message is dropped. Not thread-safe: use it from the
 * connection's reader thread.
 */
public final class ChunkAssembler {
  private final EnvelopeCodec codec;
  private final Map<String, Partial> partials = new HashMap<>();

  /** An assembler that decodes reassembled messages with {@code codec}. */
  public ChunkAssembler(EnvelopeCodec codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /**
   * Takes one chunk.
   *
   * @return the reassembled message after the final chunk, else null
   * @throws ProtocolException {@link ErrorCode#INVALID_FRAME} if a chunk is out of order or changes its total
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
    partial.text.append(chunk.data());
    partial.next++;
    if (partial.next < partial.total) {
      return null;
    }
    partials.remove(requestId);
    return codec.decode(partial.text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** How many messages are partly received. */
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

  private static final class Partial {
    final int total;
    final StringBuilder text = new StringBuilder();
    int next;

    Partial(int total) {
      this.total = total;
    }
  }
}
