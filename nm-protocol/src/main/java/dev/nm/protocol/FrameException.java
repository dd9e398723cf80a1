package dev.nm.protocol;

import java.io.IOException;

/**
 * The byte stream can no longer be read or written as frames. After this the connection is out of sync:
 * send one error frame if possible, then close.
 */
public final class FrameException extends IOException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  public FrameException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  /** {@link ErrorCode#INVALID_FRAME} or {@link ErrorCode#MESSAGE_TOO_LARGE}. */
  public ErrorCode code() {
    return code;
  }
}
