package dev.nm.routes.backend.llama;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.Json;
import dev.nm.routes.backend.OutputSchemaException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON Schemas llama.cpp can turn into a grammar without running out of memory. Its grammar repeats a rule once
 * per count of {@code maxItems}, {@code maxLength} and the like, and of a {@code {m,n}} in a {@code pattern}, so a
 * schema of a few bytes ({@code "maxItems": 1000000000}) would take the engine's memory. Each such count may be at
 * most {@value #MAX_COUNT}, and all of a schema's together at most {@value #MAX_TOTAL}; a schema may hold at most
 * {@value #MAX_CHARS} characters, nested at most {@value #MAX_DEPTH} deep.
 */
final class GrammarSchemaLimits {
  static final int MAX_COUNT = 10_000;
  static final int MAX_TOTAL = 100_000;
  static final int MAX_CHARS = 65_536;
  static final int MAX_DEPTH = 32;
  private static final Set<String> COUNTS = Set.of(
      "minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties", "minContains", "maxContains");
  private static final Pattern REPETITION = Pattern.compile("\\{(\\d+)(?:,(\\d*))?}");

  private long total;

  private GrammarSchemaLimits() {}

  /**
   * {@code jsonSchema}, written again by Jackson: llama.cpp's engine reads the request's JSON outside its error
   * handling, so only JSON it is sure to parse may reach it.
   *
   * @throws OutputSchemaException if it is not a JSON object, or exceeds a limit, naming where
   */
  static String check(String jsonSchema) {
    if (jsonSchema.length() > MAX_CHARS) {
      throw new OutputSchemaException("is " + jsonSchema.length() + " characters long; at most " + MAX_CHARS + " are taken");
    }
    JsonNode schema;
    try {
      schema = Json.mapper().readTree(jsonSchema);
    } catch (JsonProcessingException e) {
      throw new OutputSchemaException("is not JSON: " + e.getOriginalMessage());
    }
    if (schema == null || !schema.isObject()) {
      throw new OutputSchemaException("must be a JSON object");
    }
    new GrammarSchemaLimits().walk(schema, "", 0);
    return schema.toString();
  }

  private void walk(JsonNode node, String pointer, int depth) {
    if (depth > MAX_DEPTH) {
      throw new OutputSchemaException("nests deeper than " + MAX_DEPTH + " levels at " + pointer);
    }
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
        String at = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
        JsonNode value = field.getValue();
        if (COUNTS.contains(field.getKey()) && value.isNumber()) {
          count(value.asDouble(), field.getKey(), at);
        } else if (field.getKey().equals("pattern") && value.isTextual()) {
          Matcher repetition = REPETITION.matcher(value.asText());
          while (repetition.find()) {
            String max = repetition.group(2);
            count(Double.parseDouble(max == null || max.isEmpty() ? repetition.group(1) : max), "a repetition", at);
          }
        }
        walk(value, at, depth + 1);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), pointer + "/" + i, depth + 1);
      }
    }
  }

  private void count(double value, String what, String at) {
    if (value > MAX_COUNT) {
      throw new OutputSchemaException(what + " at " + at + " is " + (long) value + "; llama.cpp's grammar repeats a"
          + " rule once per count, so at most " + MAX_COUNT + " is taken");
    }
    total += (long) Math.max(0, value);
    if (total > MAX_TOTAL) {
      throw new OutputSchemaException("its counts (maxItems, maxLength, repetitions in patterns) add up to over "
          + MAX_TOTAL + " at " + at + "; llama.cpp's grammar repeats a rule once per count");
    }
  }
}
