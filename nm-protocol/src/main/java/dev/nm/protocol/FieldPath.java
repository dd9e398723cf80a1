package dev.nm.protocol;

import com.fasterxml.jackson.core.JsonStreamContext;

/**
 * Where a reader or a writer is inside a frame, as the wire names it: field names joined by dots, array
 * indexes in brackets ({@code payload.messages[1].content}). The frame's root object is the empty path.
 */
final class FieldPath {
  private static final int SHOWN_CHARS = 64;

  private FieldPath() {}

  /** The path of the entry {@code context} is at: its current field, or its current array element. */
  static String current(JsonStreamContext context) {
    if (context == null || context.inRoot()) {
      return "";
    }
    String container = current(context.getParent());
    return context.inObject()
        ? field(container, context.getCurrentName())
        : element(container, context.getCurrentIndex());
  }

  /** The path of the container {@code context} is in; the empty path for the frame itself. */
  static String container(JsonStreamContext context) {
    return context == null || context.inRoot() ? "" : current(context.getParent());
  }

  /**
   * The path of the entry a writer in {@code context} writes next: the field it has named, or the array
   * element after those written.
   */
  static String next(JsonStreamContext context) {
    if (context == null || context.inRoot() || context.inObject()) {
      return current(context);
    }
    return element(container(context), context.getEntryCount());
  }

  private static String field(String container, String name) {
    String shown = shortened(name);
    return container.isEmpty() ? shown : container + "." + shown;
  }

  /**
   * {@code text} as an error message quotes a part of the frame: cut after {@value #SHOWN_CHARS} characters, so that
   * a message about a frame of megabytes stays short (a reply to a frame the host could not read has no request id,
   * and could not be sent in chunks).
   */
  static String shortened(String text) {
    if (text == null || text.length() <= SHOWN_CHARS) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(SHOWN_CHARS - 1)) ? SHOWN_CHARS - 1 : SHOWN_CHARS;
    return text.substring(0, end) + "…";
  }

  private static String element(String container, int index) {
    return container + "[" + index + "]";
  }
}
