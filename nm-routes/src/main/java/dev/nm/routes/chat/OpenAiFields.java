package dev.nm.routes.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.route.Violations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The OpenAI request fields that take more than one shape: {@code stop} (a string or an array of strings) and
 * message {@code content} (a string or an array of {@code {"type": "text", "text": ...}} parts); and
 * {@code stream_options}, which OpenAI takes only with {@code stream}. And the rules of the OpenAI fields these
 * routes take though they change nothing here ({@code metadata}, {@code tool_choice}), with the messages of those
 * taken only at the value that changes nothing ({@code n}, {@code logprobs}, {@code tools}).
 */
final class OpenAiFields {
  static final int MAX_STOP_SEQUENCES = 4;
  /** OpenAI's limits on {@code metadata}: pairs, a key's characters, a value's characters. */
  static final int METADATA_PAIRS = 16, METADATA_KEY_LENGTH = 64, METADATA_VALUE_LENGTH = 512;
  static final String METADATA_SIZE = "must hold at most 16 pairs, as OpenAI's metadata does";
  static final String ONE_CHOICE = "must be 1 or absent: this host generates one choice a request; send one request a choice";
  static final String NO_LOGPROBS = "must be false or absent: this host returns no log probabilities; leave it out";
  static final String NO_TOP_LOGPROBS = "must be 0 or absent: this host returns no log probabilities; leave it out";
  static final String NO_TOOLS = "must be an empty array or absent: this host calls no tools (no function calling); leave it out";

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

  /**
   * OpenAI's limits on {@code metadata} pairs, which it takes only to tag what it stores: keys of at most 64
   * characters, values strings of at most 512 (their number is the field's {@code @Size}).
   */
  static void checkMetadata(Map<String, String> metadata, Violations violations) {
    if (metadata == null) {
      return;
    }
    metadata.forEach((key, value) -> {
      if (key.length() > METADATA_KEY_LENGTH) {
        violations.add("metadata", "has a key of " + key.length() + " characters; keys may have at most "
            + METADATA_KEY_LENGTH + ", as OpenAI's do");
      } else if (value == null) {
        violations.add("metadata." + key, "must be a string, as OpenAI's metadata values are");
      } else if (value.length() > METADATA_VALUE_LENGTH) {
        violations.add("metadata." + key, "must have at most " + METADATA_VALUE_LENGTH + " characters, as OpenAI's"
            + " metadata values do (this one has " + value.length() + ")");
      }
    });
  }

  /** OpenAI's {@code tool_choice}: this host calls no tools, so only {@code "none"} (or nothing) is taken. */
  static void checkToolChoice(JsonNode toolChoice, Violations violations) {
    if (toolChoice != null && !toolChoice.isNull() && !(toolChoice.isTextual() && toolChoice.asText().equals("none"))) {
      violations.add("tool_choice", "must be \"none\" or absent: this host calls no tools (no function calling); leave it out");
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

  /**
   * The text of a checked content: the string, or its parts' texts joined with newlines, as llama.cpp's server and
   * vLLM join them ({@code ["What is the capital", "of France?"]} is not "capitalof").
   */
  static String content(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringJoiner text = new StringJoiner("\n");
    content.forEach(part -> text.add(part.get("text").asText()));
    return text.toString();
  }
}
