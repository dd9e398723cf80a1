package dev.nm.host.relay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.ProtocolLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;

/**
 * The requests a relay forwarded to the daemon and has not yet delivered a final reply for, so that each
 * can be failed if the daemon dies. Frames are forwarded verbatim; this class reads only the top-level keys
 * it needs with a streaming parser and stops as soon as it knows the frame's kind (the host writes
 * {@code request_id} first, then {@code success}, {@code event} or {@code chunk}).
 *
 * <p>A request counts only if the daemon will answer it under its id ({@link #answeredId}): one it answers
 * with {@code "request_id": null} (bad JSON, an empty or over-long id) can never be ended by a reply, and must
 * not be answered again if the daemon dies. Ids are counted, not just remembered: a duplicate id is refused by
 * the daemon with its own final reply while the first request stays in flight. A reply too large for one frame arrives as chunks; it is final
 * when its first chunk's text starts a {@code success} envelope and its last chunk has been delivered.
 *
 * <p>{@link #sent} runs on the browser-reading thread, {@link #delivered} on the daemon-reading thread. A
 * request is only noted when it is sent, and read for its id later: when the next request is sent, or when a
 * reply is delivered, whichever comes first, so that a reply is never counted before its request. A browser
 * launch that sends one request and leaves after its reply thus never waits for a JSON parser to load.
 */
final class InFlightRequests {
  /** Counts of forwarded requests by id. */
  private final Map<String, Integer> pending = new HashMap<>();
  /** Requests noted by {@link #sent} and not yet read; guarded by {@link #pending}. */
  private final Queue<byte[]> unread = new ArrayDeque<>();
  /** Request ids whose chunk series being delivered is a final reply; daemon-reading thread only. */
  private final Set<String> finalChunkSeries = new HashSet<>();

  /** Records a browser request; call before forwarding it, so that its reply cannot overtake it. */
  void sent(byte[] requestFrame) {
    synchronized (pending) {
      readUnread();
      unread.add(requestFrame);
    }
  }

  /** Records a frame delivered to the browser. */
  void delivered(byte[] replyFrame) {
    synchronized (pending) {
      readUnread();
    }
    Envelope reply = scan(replyFrame);
    if (reply.requestId() == null) {
      return;
    }
    boolean finished = reply.finalReply();
    if (reply.chunkSeq() == 0 && reply.chunkText() != null) {
      if (scan(reply.chunkText().getBytes(StandardCharsets.UTF_8)).finalReply()) {
        finalChunkSeries.add(reply.requestId());
      }
    }
    if (reply.chunkSeq() >= 0 && reply.chunkSeq() == reply.chunkTotal() - 1) {
      finished = finalChunkSeries.remove(reply.requestId());
    }
    if (finished) {
      synchronized (pending) {
        pending.computeIfPresent(reply.requestId(), (id, count) -> count == 1 ? null : count - 1);
      }
    }
  }

  /** Every request still waiting for its final reply, once per time it was sent; forgets them. */
  List<String> drain() {
    synchronized (pending) {
      readUnread();
      List<String> ids = new ArrayList<>();
      pending.forEach((id, count) -> {
        for (int i = 0; i < count; i++) {
          ids.add(id);
        }
      });
      pending.clear();
      return ids;
    }
  }

  private void readUnread() {
    byte[] requestFrame;
    while ((requestFrame = unread.poll()) != null) {
      String requestId = answeredId(requestFrame);
      if (requestId != null) {
        pending.merge(requestId, 1, Integer::sum);
      }
    }
  }

  /**
   * The id the daemon will answer this request under, or null where it answers {@code "request_id": null}
   * and no reply can end it: {@link dev.nm.protocol.EnvelopeCodec#decodeRequest}'s rules, read with a streaming
   * parser bound by the same limits. A frame that is not strict UTF-8, breaks a JSON limit, repeats a key in any
   * object or holds data after its object has none, nor has a {@code request_id} that is not a string of 1 to 256
   * characters.
   */
  static String answeredId(byte[] requestFrame) {
    if (!isStrictUtf8(requestFrame)) {
      return null;
    }
    try (JsonParser parser = Parsers.REQUESTS.createParser(requestFrame)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String requestId = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        if (parser.currentName().equals("request_id")) {
          requestId = parser.nextToken() == JsonToken.VALUE_STRING ? parser.getText() : null;
        } else {
          parser.nextToken();
        }
        parser.skipChildren();
      }
      if (parser.nextToken() != null) {
        return null;
      }
      boolean usable =
          requestId != null && !requestId.isEmpty() && requestId.length() <= EnvelopeCodec.MAX_REQUEST_ID_LENGTH;
      return usable ? requestId : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Whether the daemon's decoder takes the frame as UTF-8: no NUL among the first four bytes (Jackson would
   * read UTF-16 or UTF-32), no overlong forms, encoded surrogates or code points past U+10FFFF.
   */
  private static boolean isStrictUtf8(byte[] frame) {
    boolean ascii = true;
    for (int i = 0; i < frame.length; i++) {
      if (frame[i] == 0 && i < 4) {
        return false;
      }
      ascii &= frame[i] >= 0;
    }
    if (ascii) {
      return true;
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
    ByteBuffer in = ByteBuffer.wrap(frame);
    CharBuffer out = CharBuffer.allocate(Math.min(frame.length, 1024));
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        return false;
      }
      if (result.isUnderflow()) {
        return true;
      }
      out.clear();
    }
  }

  private static Envelope scan(byte[] frame) {
    try (JsonParser parser = Parsers.JSON.createParser(frame)) {
      return scan(parser);
    } catch (IOException e) {
      // Not JSON, or a chunk's text cut mid-envelope: nothing to track; the daemon answers bad requests.
      return Envelope.UNKNOWN;
    }
  }

  private static Envelope scan(JsonParser parser) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      return Envelope.UNKNOWN;
    }
    String requestId = null;
    int seq = -1;
    int total = -1;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (name) {
        case "request_id" -> requestId = value == JsonToken.VALUE_STRING ? parser.getText() : null;
        case "success" -> {
          return new Envelope(requestId, true, -1, -1, null);
        }
        case "event" -> {
          return new Envelope(requestId, false, -1, -1, null);
        }
        case "chunk" -> {
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (field.equals("seq")) {
              seq = parser.getValueAsInt(-1);
            } else if (field.equals("total")) {
              total = parser.getValueAsInt(-1);
            } else {
              parser.skipChildren();
            }
          }
        }
        case "data" -> {
          if (seq >= 0 && value == JsonToken.VALUE_STRING) {
            return new Envelope(requestId, false, seq, total, seq == 0 ? parser.getText() : null);
          }
          parser.skipChildren();
        }
        default -> parser.skipChildren();
      }
    }
    return new Envelope(requestId, false, seq, total, null);
  }

  /** Loaded on first use only, after a launch's first reply has been delivered. */
  private static final class Parsers {
    static final JsonFactory JSON = new JsonFactory();
    /**
     * Bound as the daemon's {@link dev.nm.protocol.Json#newMapper()} is, and refusing repeated keys as its
     * {@link EnvelopeCodec} does, so that it refuses what the daemon refuses.
     */
    static final JsonFactory REQUESTS =
        JsonFactory.builder()
            .streamReadConstraints(ProtocolLimits.readConstraints())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
  }

  /**
   * What {@link #scan} learnt of one envelope.
   *
   * @param finalReply whether it carries {@code success}, i.e. is the one final reply of its request
   * @param chunkSeq the chunk's {@code seq}, or -1 when it is not a chunk
   * @param chunkText the text of chunk 0, the only one whose text says what the chunks make up
   */
  private record Envelope(String requestId, boolean finalReply, int chunkSeq, int chunkTotal, String chunkText) {
    static final Envelope UNKNOWN = new Envelope(null, false, -1, -1, null);
  }
}
