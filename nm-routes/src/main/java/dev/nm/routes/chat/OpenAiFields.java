package dev.nm.routes.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.route.Violations;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenAI request fields that take more than one shape: {@code stop} (a string or an array of strings) and
 * message {@code content} (a string or an array of {@code {"type": "text", "text": ...}} parts); and
 * {@code stream_options}, which OpenAI takes only with {@code stream}.
 */
final class OpenAiFields {
  static final int MAX_STOP_SEQUENCES = 4;

  private OpenAiFields() {}

  static void checkStop(JsonNode stop, Violations violations) {
    if (stop == null || stop.isNull() || (stop.isTextual() && !stop.asText().isEmpty())) {
      return;
    }
    if (!stop.isArray() || stop.size() > MAX_STOP_SEQUENCES) {
      violations.add("stop", "must be a non-empty string or an array of at most " + MAX_STOP_SEQUENCES + " of them");
      return;
    }
    for (int i = 0; i < stop.size(); i++) {
      if (!stop.get(i).isTextual() || stop.get(i).asText().isEmpty()) {
        violations.add("stop[" + i + "]", "must be a non-empty string");
      }
    }
  }

  /** OpenAI refuses {@code stream_options} on a call that does not stream; so do we, rather than ignore it. */
  static void checkStreamOptions(Boolean stream, StreamOptions options, Violations violations) {
    if (options != null && !Boolean.TRUE.equals(stream)) {
      violations.add("stream_options", "is only allowed with stream: true");
    }
  }

  static List<String> stop(JsonNode stop) {
    if (stop == null || stop.isNull()) {
      return List.of();
    }
    if (stop.isTextual()) {
      return List.of(stop.asText());
    }
    List<String> sequences = new ArrayList<>();
    stop.forEach(s -> sequences.add(s.asText()));
    return sequences;
  }

  static void checkContent(JsonNode content, String field, Violations violations) {
    if (content == null || content.isNull()) {
      violations.add(field, "must not be null");
    } else if (content.isArray()) {
      for (int i = 0; i < content.size(); i++) {
        JsonNode part = content.get(i);
        if (!part.path("type").asText().equals("text") || !part.path("text").isTextual()) {
          violations.add(field + "[" + i + "]", "must be {\"type\": \"text\", \"text\": \"...\"}; only text parts are supported");
        }
      }
    } else if (!content.isTextual()) {
      violations.add(field, "must be a string or an array of text parts");
    }
  }

  /** The text of a checked content: the string, or its parts' texts concatenated. */
  static String content(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder text = new StringBuilder();
    content.forEach(part -> text.append(part.get("text").asText()));
    return text.toString();
  }
}
