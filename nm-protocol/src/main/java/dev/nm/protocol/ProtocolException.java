package dev.nm.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A frame was read whole but is not a usable envelope. The stream is still in sync: answer with
 * {@link #toFailure()} and keep serving.
 */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;
  private final String requestId;
  private final transient Map<String, Object> details;

  public ProtocolException(ErrorCode code, String requestId, String message) {
    this(code, requestId, message, Map.of());
  }

  public ProtocolException(ErrorCode code, String requestId, String message, Map<String, Object> details) {
    super(message);
    this.code = code;
    this.requestId = requestId;
    // Details may hold nulls (Map.copyOf refuses them) and keep the order they are sent in.
    this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public ErrorCode code() {
    return code;
  }

  /** The request id if the frame carried a usable one, else null. */
  public String requestId() {
    return requestId;
  }

  public Message.Failure toFailure() {
    return new Message.Failure(requestId, ErrorBody.of(code, getMessage(), details));
  }
}
