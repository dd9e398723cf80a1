package dev.nm.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sends {@link Message}s as frames, splitting any message whose frame would exceed the writer's limit into
 * {@link Message.Chunk} frames. Thread-safe: messages are encoded on the caller's thread, and the chunks of
 * one message are never interleaved with another message's frames.
 */
public final class MessageWriter {
  /** The most bytes one UTF-16 unit can take in a chunk's {@code data}: a {@code \}{@code uXXXX} escape. */
  private static final int MAX_ESCAPED_UNIT_BYTES = 6;

  /** Room for the digits of {@code seq} and {@code total}, each at most 10 digits. */
  private static final int CHUNK_NUMBER_DIGITS = 2 * 10;

  private final FrameWriter frames;
  private final EnvelopeCodec codec;
  private final Object writeLock = new Object();

  public MessageWriter(FrameWriter frames, EnvelopeCodec codec) {
    this.frames = Objects.requireNonNull(frames, "frames");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  public EnvelopeCodec codec() {
    return codec;
  }

  /** Writes the message as one frame, or as chunk frames if it is too large for one, and flushes. */
  public void send(Message message) throws IOException {
    write(message, true);
  }

  /**
   * Writes the message as {@link #send} does, but a small frame stays in the writer's buffer until the next
   * {@link #flush()} or {@link #send}. A writer that knows more messages follow at once (a reader answering a
   * burst of requests) buffers them and flushes once, before it may block.
   */
  public void buffer(Message message) throws IOException {
    write(message, false);
  }

  /** Sends whatever {@link #buffer} left in the writer's buffer. */
  public void flush() throws IOException {
    synchronized (writeLock) {
      frames.flush();
    }
  }

  private void write(Message message, boolean flush) throws IOException {
    write(encode(message), flush);
  }

  /**
   * The bodies of the frames that carry the message, in order: one, or its chunks if it is too large for one.
   * Encodes on the caller's thread and writes nothing: a writer that queues messages for another thread to send
   * encodes them first, and hands the frames to {@link #write(List, boolean)}.
   *
   * @throws java.io.UncheckedIOException if the message's data cannot be encoded as JSON
   */
  public List<byte[]> encode(Message message) {
    byte[] body = codec.encode(message);
    return body.length <= frames.maxFrameBytes() ? List.of(body) : chunkFrames(message, body);
  }

  /**
   * Writes frame bodies made by {@link #encode}, in order and with no other message's frames between them; flushes
   * if asked, else leaves what fits in the writer's buffer as {@link #buffer} does.
   */
  public void write(List<byte[]> frameBodies, boolean flush) throws IOException {
    synchronized (writeLock) {
      for (byte[] frameBody : frameBodies) {
        frames.bufferFrame(frameBody);
      }
      if (flush) {
        frames.flush();
      }
    }
  }

  private List<byte[]> chunkFrames(Message message, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    List<byte[]> chunkFrames = new ArrayList<>();
    for (Message.Chunk chunk : split(message.requestId(), text, frames.maxFrameBytes(), codec)) {
      chunkFrames.add(codec.encode(chunk));
    }
    return chunkFrames;
  }

  /**
   * Splits the JSON text of a frame into chunks whose own frames each fit in {@code maxFrameBytes}. Slices
   * never split a surrogate pair. The per-slice budget adds up an upper bound of each character's escaped
   * UTF-8 size, as {@link Json#mapper()} writes strings (non-ASCII as UTF-8, surrogates and control
   * characters as {@code \}{@code uXXXX}), so no chunk can overflow.
   */
  static List<Message.Chunk> split(String requestId, String text, int maxFrameBytes, EnvelopeCodec codec) {
    int overhead = codec.encode(new Message.Chunk(requestId, 0, 1, "")).length + CHUNK_NUMBER_DIGITS;
    int budget = maxFrameBytes - overhead;
    if (budget < 2 * MAX_ESCAPED_UNIT_BYTES) {
      throw new IllegalArgumentException("frame limit " + maxFrameBytes + " leaves no room for chunk data");
    }
    List<String> slices = new ArrayList<>();
    int start = 0;
    int used = 0;
    for (int i = 0; i < text.length(); ) {
      int units = Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length() ? 2 : 1;
      int cost = 0;
      for (int j = i; j < i + units; j++) {
        cost += escapedUtf8Bound(text.charAt(j));
      }
      if (used + cost > budget) {
        slices.add(text.substring(start, i));
        start = i;
        used = 0;
      }
      used += cost;
      i += units;
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
    if (c < 0x20 || Character.isSurrogate(c)) {
      return MAX_ESCAPED_UNIT_BYTES;
    }
    if (c < 0x80) {
      return 1;
    }
    return c < 0x800 ? 2 : 3;
  }
}
