package dev.nm.routes.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.route.Violations;
import dev.nm.routes.generation.GenerationRequest.OutputSchema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * OpenAI's {@code response_format}: {@code text}, the default; {@code json_object}, an answer that is one JSON object;
 * or {@code json_schema}, an answer that matches {@code json_schema.schema}. The engine keeps to it token by token
 * (llama.cpp: a grammar made from the schema), so the answer parses as JSON unless {@code max_tokens} cuts it short
 * (finish reason {@code length}). Ask for JSON in the messages too: a model held to a format it was not asked for
 * writes it poorly.
 *
 * @param type {@code text}, {@code json_object} or {@code json_schema}
 * @param jsonSchema with {@code json_schema} only: the schema
 */
public record ResponseFormat(
    @NotNull @Pattern(regexp = "text|json_object|json_schema", message = "must be text, json_object or json_schema")
        String type,
    @Valid JsonSchema jsonSchema) {

  /** {@code json_object}'s schema. */
  static final String ANY_OBJECT = "{\"type\": \"object\"}";

  /**
   * @param name what the schema describes, as OpenAI names it
   * @param description what the schema describes, in words
   * @param schema a JSON Schema (an object); llama.cpp turns most of the 2020-12 draft into a grammar, and answers
   *     {@code VALIDATION_ERROR} naming this field for what it cannot
   * @param strict taken as OpenAI defines it; the engine always keeps to the schema
   */
  public record JsonSchema(
      @Size(max = 64) @Pattern(regexp = "[a-zA-Z0-9_-]*", message = "must be letters, digits, _ and - only") String name,
      @Size(max = 4096) String description,
      JsonNode schema,
      Boolean strict) {}

  /** The rules between the fields, for the format at {@code field}. */
  static void check(ResponseFormat format, String field, Violations violations) {
    if (format == null || format.type() == null) {
      return;
    }
    boolean wantsSchema = format.type().equals("json_schema");
    if (format.jsonSchema() == null) {
      if (wantsSchema) {
        violations.add(field + ".json_schema", "is required with type json_schema");
      }
    } else if (!wantsSchema) {
      violations.add(field + ".json_schema", "is only allowed with type json_schema");
    } else {
      checkSchema(format.type(), format.jsonSchema().schema(), field + ".json_schema.schema", violations);
    }
  }

  /**
   * The rule the chat's and the Responses API's spellings of a format share: type {@code json_schema} takes a schema
   * object at {@code schemaField}, any other type none.
   */
  static void checkSchema(String type, JsonNode schema, String schemaField, Violations violations) {
    boolean wantsSchema = type.equals("json_schema");
    if (wantsSchema && (schema == null || !schema.isObject())) {
      violations.add(schemaField, "must be a JSON Schema object with type json_schema, such as {\"type\": \"object\"}");
    } else if (!wantsSchema && schema != null) {
      violations.add(schemaField, "is only allowed with type json_schema");
    }
  }

  /** The schema the answer must match, or null for free text. */
  static OutputSchema outputSchema(ResponseFormat format, String field) {
    return format == null
        ? null
        : outputSchema(
            format.type(), format.jsonSchema() == null ? null : format.jsonSchema().schema(), field,
            field + ".json_schema.schema");
  }

  /**
   * The schema an answer of format {@code type} must match, or null for {@code text}: the chat's and the Responses
   * API's spellings of a format, checked already.
   *
   * @param typeField the field blamed when the engine cannot keep to {@code json_object}
   * @param schemaField the field blamed when it cannot keep to {@code schema}
   */
  static OutputSchema outputSchema(String type, JsonNode schema, String typeField, String schemaField) {
    return switch (type) {
      case "json_object" -> new OutputSchema(ANY_OBJECT, typeField);
      case "json_schema" -> new OutputSchema(schema.toString(), schemaField);
      default -> null;
    };
  }
}
