package dev.nm.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * Every envelope that travels between a browser and a host. See {@code docs/protocol.md}.
 *
 * <ul>
 *   <li>{@link Request}: browser to host.
 *   <li>{@link Success}, {@link Failure}: the one final reply to a request.
 *   <li>{@link Event}: a stream event; any number precede the final reply, none follow it.
 *   <li>{@link Chunk}: one slice of a reply frame too large for one frame.
 * </ul>
 */
public sealed interface Message {
  /** The id of the request this message belongs to; null only for a failure to an unparseable frame. */
  String requestId();

  /** {@code {"request_id", "route", "payload"}}. A missing payload reads as an empty object. */
  record Request(String requestId, String route, JsonNode payload) implements Message {
    public Request {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(payload, "payload");
    }
  }

  /** {@code {"request_id", "success": true, "data"}}. {@code data} is anything Jackson can write. */
  record Success(String requestId, Object data) implements Message {
    public Success {
      Objects.requireNonNull(requestId, "requestId");
    }
  }

  /** {@code {"request_id", "success": false, "error": {"code", "message", "details"}}}. */
  record Failure(String requestId, ErrorBody error) implements Message {
    public Failure {
      Objects.requireNonNull(error, "error");
    }

    public static Failure of(String requestId, ErrorCode code, String message) {
      return new Failure(requestId, ErrorBody.of(code, message));
    }
  }

  /** {@code {"request_id", "event", "data"}}: one stream event. Has no {@code success} key. */
  record Event(String requestId, String event, Object data) implements Message {
    public Event {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(event, "event");
    }
  }

  /**
   * {@code {"request_id", "chunk": {"seq", "total"}, "data": "<text>"}}: the {@code data} of chunks
   * {@code 0..total-1}, concatenated, is the JSON text of one whole frame.
   */
  record Chunk(String requestId, int seq, int total, String data) implements Message {
    public Chunk {
      Objects.requireNonNull(data, "data");
      if (total < 1 || seq < 0 || seq >= total) {
        throw new IllegalArgumentException("chunk seq " + seq + " of total " + total);
      }
    }
  }
}
