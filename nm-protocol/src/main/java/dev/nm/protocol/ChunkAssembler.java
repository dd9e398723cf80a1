package dev.nm.protocol;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Client side of chunking: collects {@link Message.Chunk}s per request id and yields the whole message once
 * the last chunk arrives. Chunks of one message arrive in order (the host's writer guarantees it); anything
 * else is a protocol error. Not thread-safe: use it from the connection's reader thread.
 */
public final class ChunkAssembler {
  private final EnvelopeCodec codec;
  private final Map<String, Partial> partials = new HashMap<>();

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
    String key = String.valueOf(chunk.requestId());
    Partial partial = partials.get(key);
    if (partial == null) {
      if (chunk.seq() != 0) {
        throw outOfOrder(chunk, 0);
      }
      partial = new Partial(chunk.total());
      partials.put(key, partial);
    } else if (chunk.seq() != partial.next || chunk.total() != partial.total) {
      partials.remove(key);
      throw outOfOrder(chunk, partial.next);
    }
    partial.text.append(chunk.data());
    partial.next++;
    if (partial.next < partial.total) {
      return null;
    }
    partials.remove(key);
    return codec.decode(partial.text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** How many messages are partly received. */
  public int pending() {
    return partials.size();
  }

  private static ProtocolException outOfOrder(Message.Chunk chunk, int expected) {
    return new ProtocolException(
        ErrorCode.INVALID_FRAME,
        chunk.requestId(),
        "chunk " + chunk.seq() + "/" + chunk.total() + " of request " + chunk.requestId() + " arrived; expected seq " + expected);
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
