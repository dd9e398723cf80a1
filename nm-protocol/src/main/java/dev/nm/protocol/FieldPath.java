package dev.nm.protocol;

import com.fasterxml.jackson.core.JsonStreamContext;

/**
 * Where a reader or a writer is inside a frame, as the wire names it: field names joined by dots, array
 * indexes in brackets ({@code payload.messages[1].content}). The frame's root object is the empty path.
 */
final class FieldPath {
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
    return container.isEmpty() ? name : container + "." + name;
  }

  private static String element(String container, int index) {
    return container + "[" + index + "]";
  }
}
