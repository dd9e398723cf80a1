package dev.nm.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sends {@link Message}s as frames, splitting any message whose frame would exceed the writer's limit into
 * {@link Message.Chunk} frames. Thread-safe: the chunks of one message are never interleaved with another
 * message's frames.
 */
public final class MessageWriter {
  private final FrameWriter frames;
  private final EnvelopeCodec codec;

  public MessageWriter(FrameWriter frames, EnvelopeCodec codec) {
    this.frames = Objects.requireNonNull(frames, "frames");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  public EnvelopeCodec codec() {
    return codec;
  }

  /** Writes the message as one frame, or as chunk frames if it is too large for one. */
  public synchronized void send(Message message) throws IOException {
    byte[] body = codec.encode(message);
    if (body.length <= frames.maxFrameBytes()) {
      frames.writeFrame(body);
      return;
    }
    String text = new String(body, StandardCharsets.UTF_8);
    for (Message.Chunk chunk : split(message.requestId(), text, frames.maxFrameBytes(), codec)) {
      frames.writeFrame(codec.encode(chunk));
    }
  }

  /**
   * Splits the JSON text of a frame into chunks whose own frames each fit in {@code maxFrameBytes}. Slices
   * never split a surrogate pair. The per-slice budget is computed from an upper bound of each character's
   * escaped UTF-8 size, so no chunk can overflow.
   */
  static List<Message.Chunk> split(String requestId, String text, int maxFrameBytes, EnvelopeCodec codec) {
    int overhead = codec.encode(new Message.Chunk(requestId, 0, 1, "")).length + 2 * 10;
    int budget = maxFrameBytes - overhead;
    if (budget < 6) {
      throw new IllegalArgumentException("frame limit " + maxFrameBytes + " leaves no room for chunk data");
    }
    List<String> slices = new ArrayList<>();
    int start = 0;
    int used = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int cost = escapedUtf8Bound(c);
      boolean pairStart = Character.isHighSurrogate(c) && i + 1 < text.length();
      int needed = pairStart ? cost + escapedUtf8Bound(text.charAt(i + 1)) : cost;
      if (used + needed > budget) {
        slices.add(text.substring(start, i));
        start = i;
        used = 0;
      }
      used += cost;
      if (pairStart) {
        i++;
        used += escapedUtf8Bound(text.charAt(i));
      }
    }
    slices.add(text.substring(start));
    List<Message.Chunk> chunks = new ArrayList<>(slices.size());
    for (int seq = 0; seq < slices.size(); seq++) {
      chunks.add(new Message.Chunk(requestId, seq, slices.size(), slices.get(seq)));
    }
    return chunks;
  }

  /** Upper bound of the bytes one UTF-16 unit takes once JSON-escaped and UTF-8 encoded. */
  private static int escapedUtf8Bound(char c) {
    if (c == '"' || c == '\\') {
      return 2;
    }
    if (c < 0x20) {
      return 6;
    }
    if (c < 0x80) {
      return 1;
    }
    if (Character.isSurrogate(c)) {
      return 2;
    }
    return c < 0x800 ? 2 : 3;
  }
}
